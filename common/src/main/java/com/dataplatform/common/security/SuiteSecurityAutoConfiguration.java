package com.dataplatform.common.security;

import com.dataplatform.common.web.ProblemWriter;
import com.dataplatform.common.web.SuiteWebAutoConfiguration;
import jakarta.servlet.DispatcherType;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.web.authentication.BearerTokenAuthenticationFilter;
import org.springframework.security.web.SecurityFilterChain;

/**
 * Every request needs a bearer JWT (claims {@code sub}, {@code org}, {@code roles}) except actuator health/info,
 * the OpenAPI/Swagger UI/AsyncAPI documents and error dispatches; other actuator endpoints need role {@code ops}.
 * Services with other public routes (e.g. signed-token pages) add their own chain with a narrower
 * {@code securityMatcher} and a higher precedence.
 */
@AutoConfiguration(after = SuiteWebAutoConfiguration.class, beforeName = {
        "org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration",
        "org.springframework.boot.security.autoconfigure.actuate.web.servlet.ManagementWebSecurityAutoConfiguration",
        "org.springframework.boot.security.oauth2.server.resource.autoconfigure.web.OAuth2ResourceServerWebSecurityAutoConfiguration",
        "org.springframework.boot.security.oauth2.server.resource.autoconfigure.OAuth2ResourceServerAutoConfiguration" })
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@EnableWebSecurity
@org.springframework.boot.context.properties.EnableConfigurationProperties(com.dataplatform.common.config.SuiteProperties.class)
public class SuiteSecurityAutoConfiguration {

    public static final String OPS_ROLE = "ops";

    @Bean
    @org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean
    OutboundUrlGuard outboundUrlGuard(com.dataplatform.common.config.SuiteProperties props) {
        return new OutboundUrlGuard(props.outbound().allowlist());
    }

    /** Picked up by Boot's JwtDecoder as an additional validator. */
    @Bean
    OAuth2TokenValidator<Jwt> suiteOrgClaimValidator() {
        return SuiteJwtConverter.orgValidator();
    }

    @Bean
    @Order(Ordered.LOWEST_PRECEDENCE - 100)
    SecurityFilterChain suiteSecurityFilterChain(HttpSecurity http, ProblemWriter problems) throws Exception {
        ProblemSecurityHandlers handlers = new ProblemSecurityHandlers(problems);
        http.csrf(c -> c.disable())
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .authorizeHttpRequests(a -> a
                        .dispatcherTypeMatchers(DispatcherType.ERROR).permitAll()
                        .requestMatchers("/actuator/health", "/actuator/health/**", "/actuator/info").permitAll()
                        .requestMatchers("/actuator", "/actuator/**").hasRole(OPS_ROLE)
                        .requestMatchers("/v3/api-docs", "/v3/api-docs/**", "/v3/api-docs.yaml", "/swagger-ui.html",
                                "/swagger-ui/**", SuiteWebAutoConfiguration.ASYNCAPI_PATH).permitAll()
                        .anyRequest().authenticated())
                .oauth2ResourceServer(o -> o
                        .jwt(j -> j.jwtAuthenticationConverter(new SuiteJwtConverter()))
                        .authenticationEntryPoint(handlers)
                        .accessDeniedHandler(handlers))
                .exceptionHandling(e -> e.authenticationEntryPoint(handlers).accessDeniedHandler(handlers))
                .addFilterAfter(new TenantMdcFilter(), BearerTokenAuthenticationFilter.class);
        return http.build();
    }
}
