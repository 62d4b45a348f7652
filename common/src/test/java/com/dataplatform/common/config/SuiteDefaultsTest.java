package com.dataplatform.common.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

class SuiteDefaultsTest {

    private static StandardEnvironment environment(Map<String, Object> properties) {
        StandardEnvironment env = new StandardEnvironment();
        // the build sets suite.logging.format=text for test JVMs; this test decides the property itself
        env.getPropertySources().remove(StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME);
        env.getPropertySources().remove(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME);
        env.getPropertySources().addFirst(new MapPropertySource("test", properties));
        new SuiteDefaults().postProcessEnvironment(env, new SpringApplication());
        return env;
    }

    @Test
    void services_log_json_lines_unless_text_is_asked_for() {
        assertThat(environment(Map.of()).getProperty("logging.structured.format.console")).isEqualTo("ecs");
        assertThat(environment(Map.of("suite.logging.format", "text")).getProperty("logging.structured.format.console"))
                .isNull();
        assertThat(environment(Map.of("logging.structured.format.console", "logstash"))
                .getProperty("logging.structured.format.console")).as("a service's own choice wins").isEqualTo("logstash");
    }

    @Test
    void the_plain_pattern_keeps_request_id_and_tenant() {
        assertThat(environment(Map.of("suite.logging.format", "text")).getProperty("logging.pattern.level"))
                .contains("%X{requestId:-}", "%X{tenant:-}");
    }
}
