package com.dataplatform.analytics.embed.token;

import com.dataplatform.common.security.SecretSeal;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;

@Configuration(proxyBeanMethods = false)
class TokenConfiguration {

    static final String SECRETS_KEY_NAME = "analytics-embed.secrets-key (env ANALYTICS_EMBED_SECRETS_KEY)";

    /** Seals the org signing keys at rest; the service does not start without its key. */
    @Bean
    SecretSeal embedSecretSeal(@Value("${analytics-embed.secrets-key:}") String key) {
        return new SecretSeal(key, SECRETS_KEY_NAME);
    }

    @Bean
    OrgKeys orgKeys(JdbcClient jdbc, SecretSeal embedSecretSeal) {
        return new OrgKeys(jdbc, embedSecretSeal);
    }
}
