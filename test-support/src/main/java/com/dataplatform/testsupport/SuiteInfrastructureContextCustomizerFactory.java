package com.dataplatform.testsupport;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;
import org.springframework.test.context.MergedContextConfiguration;
import org.springframework.test.context.TestContextAnnotationUtils;
import org.springframework.test.context.support.TestPropertySourceUtils;

/** Wires {@link SuiteInfrastructure}-annotated tests to the shared servers. */
public class SuiteInfrastructureContextCustomizerFactory implements ContextCustomizerFactory {

    @Override
    public ContextCustomizer createContextCustomizer(Class<?> testClass,
            List<ContextConfigurationAttributes> configAttributes) {
        return TestContextAnnotationUtils.hasAnnotation(testClass, SuiteInfrastructure.class) ? new Customizer() : null;
    }

    /** Stateless, so every annotated test shares one cached context per configuration. */
    static final class Customizer implements ContextCustomizer {

        @Override
        public void customizeContext(ConfigurableApplicationContext context, MergedContextConfiguration config) {
            SuitePostgres.Connection pg = SuitePostgres.get();
            Map<String, Object> props = new LinkedHashMap<>();
            props.put("spring.datasource.url", pg.jdbcUrl());
            props.put("spring.datasource.username", pg.username());
            props.put("spring.datasource.password", pg.password());
            props.put("spring.kafka.bootstrap-servers", SuiteKafka.bootstrapServers());
            props.put("spring.security.oauth2.resourceserver.jwt.public-key-location",
                    "file:" + TestJwts.publicKeyPem().toAbsolutePath());
            MapPropertySource source = new MapPropertySource("suiteTestInfrastructure", props);
            MutablePropertySources sources = context.getEnvironment().getPropertySources();
            if (sources.contains(TestPropertySourceUtils.INLINED_PROPERTIES_PROPERTY_SOURCE_NAME)) {
                sources.addAfter(TestPropertySourceUtils.INLINED_PROPERTIES_PROPERTY_SOURCE_NAME, source);
            } else {
                sources.addFirst(source);
            }
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Customizer;
        }

        @Override
        public int hashCode() {
            return Customizer.class.hashCode();
        }
    }
}
