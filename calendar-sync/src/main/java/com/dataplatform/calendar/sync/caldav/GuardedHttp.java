package com.dataplatform.calendar.sync.caldav;

import com.dataplatform.common.security.OutboundUrlGuard;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.concurrent.TimeUnit;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.util.TimeValue;

/**
 * The HTTP client every CalDAV call goes through (Apache HttpClient 5, classic). Its only DNS is
 * {@link OutboundUrlGuard#resolveAllowed}: the socket is opened to an address the guard approved at connect time, so a
 * DNS answer that changes after {@code guard.check(url)} (DNS rebinding) is checked again and refused, never
 * connected to. Redirects are not followed, automatic retries are off (the caller decides what is safe to repeat),
 * cookies are not kept, and connect / read / pool-wait times are bounded.
 */
public final class GuardedHttp {

    private GuardedHttp() {
    }

    /** The guard as an HttpClient DNS hook. */
    static DnsResolver resolver(OutboundUrlGuard guard) {
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

    public static CloseableHttpClient client(OutboundUrlGuard guard) {
        return HttpClients.custom()
                .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                        .setDnsResolver(resolver(guard))
                        .setMaxConnTotal(20).setMaxConnPerRoute(4)
                        .setDefaultConnectionConfig(ConnectionConfig.custom()
                                .setConnectTimeout(10, TimeUnit.SECONDS).setSocketTimeout(30, TimeUnit.SECONDS)
                                // HTTP/1.0 servers (Radicale) close idle connections; check before reusing one
                                .setValidateAfterInactivity(TimeValue.ofMilliseconds(500)).build())
                        .build())
                .setDefaultRequestConfig(RequestConfig.custom().setConnectionRequestTimeout(30, TimeUnit.SECONDS)
                        .setResponseTimeout(30, TimeUnit.SECONDS).setRedirectsEnabled(false).build())
                .disableRedirectHandling().disableAutomaticRetries().disableCookieManagement()
                .disableAuthCaching().evictIdleConnections(TimeValue.ofSeconds(30))
                .build();
    }
}
