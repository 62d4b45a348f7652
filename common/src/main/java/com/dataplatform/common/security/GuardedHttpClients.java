package com.dataplatform.common.security;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.util.TimeValue;

/**
 * HTTP clients for calls to user-given URLs (Apache HttpClient 5, classic; a service using this declares
 * {@code org.apache.httpcomponents.client5:httpclient5}). Their only DNS is {@link OutboundUrlGuard#resolveAllowed}:
 * the socket is opened to an address the guard approved at connect time, so a DNS answer that changes after
 * {@code guard.check(url)} (DNS rebinding) is checked again and refused, never connected to — which
 * {@code java.net.http} cannot promise, since it resolves on its own. Redirects are not followed, automatic retries
 * are off (the caller decides what is safe to repeat), cookies and auth state are not kept.
 */
public final class GuardedHttpClients {

    private GuardedHttpClients() {
    }

    /** The guard as an HttpClient DNS hook. */
    public static DnsResolver resolver(OutboundUrlGuard guard) {
        return new DnsResolver() {
            @Override
            public InetAddress[] resolve(String host) throws UnknownHostException {
                return guard.resolveAllowed(host);
            }

            @Override
            public String resolveCanonicalHostname(String host) throws UnknownHostException {
                guard.resolveAllowed(host);
                return host; // never a reverse lookup: the name the user gave is the name we check and send
            }
        };
    }

    /**
     * @param connectTimeout  TCP connect
     * @param responseTimeout waiting for a response (and between packets); also the wait for a pooled connection
     * @param maxConnections  pool size (per route: a quarter, at least 2)
     */
    public static CloseableHttpClient create(OutboundUrlGuard guard, Duration connectTimeout, Duration responseTimeout,
            int maxConnections) {
        long connect = connectTimeout.toMillis();
        long response = responseTimeout.toMillis();
        return HttpClients.custom()
                .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                        .setDnsResolver(resolver(guard))
                        .setMaxConnTotal(maxConnections).setMaxConnPerRoute(Math.max(2, maxConnections / 4))
                        .setDefaultConnectionConfig(ConnectionConfig.custom()
                                .setConnectTimeout(connect, TimeUnit.MILLISECONDS)
                                .setSocketTimeout((int) response, TimeUnit.MILLISECONDS)
                                // HTTP/1.0 servers close idle connections; check before reusing one
                                .setValidateAfterInactivity(TimeValue.ofMilliseconds(500)).build())
                        .build())
                .setDefaultRequestConfig(RequestConfig.custom()
                        .setConnectionRequestTimeout(response, TimeUnit.MILLISECONDS)
                        .setResponseTimeout(response, TimeUnit.MILLISECONDS).setRedirectsEnabled(false).build())
                .disableRedirectHandling().disableAutomaticRetries().disableCookieManagement()
                .disableAuthCaching().evictIdleConnections(TimeValue.ofSeconds(30))
                .build();
    }
}
