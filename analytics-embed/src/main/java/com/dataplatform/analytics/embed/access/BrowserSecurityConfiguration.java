package com.dataplatform.analytics.embed.access;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;

/**
 * Browser routes ({@code /p/**}, {@code /embed/**}), the token refresh, the data API and static assets accept a
 * signed embed token instead of a bearer JWT, so they get their own chain ahead of common's (which requires a JWT).
 * Authorization is not skipped: {@link EmbedAccess} checks the token or JWT on every one of these requests. Headers
 * (CSP {@code frame-ancestors} per page, no-store) are set by the controllers; the chain's frame-options header is
 * off because CSP governs framing.
 */
@Configuration(proxyBeanMethods = false)
class BrowserSecurityConfiguration {

    static final String[] ROUTES = {"/p/**", "/embed/**", "/assets/**", "/api/embeds/*/data", "/api/tokens/refresh"};

    @Bean
    @Order(0)
    SecurityFilterChain embedBrowserChain(HttpSecurity http) throws Exception {
        http.securityMatcher(ROUTES)
                .csrf(c -> c.disable())
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .requestCache(r -> r.disable())
                .anonymous(a -> { })
                .headers(h -> h.frameOptions(f -> f.disable()).cacheControl(c -> c.disable()))
                .authorizeHttpRequests(a -> a.anyRequest().permitAll());
        return http.build();
    }
}
