package com.dataplatform.common.web;

import com.dataplatform.common.config.SuiteProperties;
import com.dataplatform.common.security.SuitePrincipalArgumentResolver;
import com.dataplatform.common.topics.AsyncApiDocument;
import com.dataplatform.common.topics.SuiteService;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.info.BuildProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;
import org.springframework.http.MediaType;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.RouterFunctions;
import org.springframework.web.servlet.function.ServerResponse;
import tools.jackson.databind.json.JsonMapper;

/** Problem+json for every error, request ids, body limits, {@link com.dataplatform.common.security.SuitePrincipal} parameters, AsyncAPI. */
@AutoConfiguration(beforeName = "org.springframework.boot.webmvc.autoconfigure.error.ErrorMvcAutoConfiguration",
        afterName = "org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration")
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@EnableConfigurationProperties(SuiteProperties.class)
public class SuiteWebAutoConfiguration {

    public static final String ASYNCAPI_PATH = "/asyncapi.json";

    @Bean
    ProblemDetailsAdvice problemDetailsAdvice() {
        return new ProblemDetailsAdvice();
    }

    @Bean
    ProblemErrorController problemErrorController() {
        return new ProblemErrorController();
    }

    @Bean
    ProblemWriter problemWriter(JsonMapper json) {
        return new ProblemWriter(json);
    }

    @Bean
    FilterRegistrationBean<RequestIdFilter> requestIdFilter() {
        FilterRegistrationBean<RequestIdFilter> reg = new FilterRegistrationBean<>(new RequestIdFilter());
        reg.setOrder(Ordered.HIGHEST_PRECEDENCE);
        return reg;
    }

    @Bean
    FilterRegistrationBean<RequestSizeLimitFilter> requestSizeLimitFilter(SuiteProperties props, ProblemWriter problems) {
        FilterRegistrationBean<RequestSizeLimitFilter> reg = new FilterRegistrationBean<>(
                new RequestSizeLimitFilter(props.http().maxBodySize().toBytes(), problems));
        reg.setOrder(Ordered.HIGHEST_PRECEDENCE + 1);
        return reg;
    }

    @Bean
    WebMvcConfigurer suitePrincipalResolver() {
        return new WebMvcConfigurer() {
            @Override
            public void addArgumentResolvers(List<HandlerMethodArgumentResolver> resolvers) {
                resolvers.add(new SuitePrincipalArgumentResolver());
            }
        };
    }

    /** {@code GET /asyncapi.json}: the topics this service owns and consumes, from the topic catalog. */
    @Bean
    RouterFunction<ServerResponse> asyncApiRoute(Environment env, ObjectProvider<BuildProperties> build) {
        return RouterFunctions.route().GET(ASYNCAPI_PATH, request -> {
            String name = env.getProperty("spring.application.name", "");
            return SuiteService.byId(name)
                    .map(s -> ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).body(AsyncApiDocument
                            .forService(s, build.getIfAvailable() == null ? "dev" : build.getIfAvailable().getVersion())))
                    .orElseGet(() -> ServerResponse.notFound().build());
        }).build();
    }
}
