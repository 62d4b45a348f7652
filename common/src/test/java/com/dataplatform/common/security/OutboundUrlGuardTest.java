package com.dataplatform.common.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Decisions only: the resolver is a fake table, nothing is ever sent or looked up. */
class OutboundUrlGuardTest {

    private static final Map<String, String> DNS = Map.of(
            "hooks.example.com", "93.184.216.34",
            "rebind.example.com", "10.0.0.5",
            "sneaky.example.com", "169.254.169.254",
            "receiver.test", "127.0.0.1");

    private static InetAddress[] resolve(String host) throws UnknownHostException {
        String ip = DNS.get(host);
        if (ip != null) {
            return new InetAddress[] {InetAddress.getByName(ip)};
        }
        if (host.matches("[0-9a-f.:]+")) {
            return new InetAddress[] {InetAddress.getByName(host)}; // literal address: parsed, not looked up
        }
        throw new UnknownHostException(host);
    }

    private final OutboundUrlGuard strict = new OutboundUrlGuard(List.of(), OutboundUrlGuardTest::resolve);

    @Test
    void allows_public_https_and_http_hosts() {
        assertThat(strict.check("https://hooks.example.com/in").allowed()).isTrue();
        assertThat(strict.check("http://93.184.216.34:8080/x").allowed()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://127.0.0.1/", "http://localhost.invalid/", "http://[::1]/", "http://0.0.0.0/",
            "http://10.1.2.3/", "http://172.16.0.1/", "http://192.168.1.1/", "http://169.254.169.254/latest/meta-data",
            "http://[fe80::1]/", "http://[fd00:ec2::254]/", "http://100.64.0.1/", "http://[::ffff:127.0.0.1]/",
            "http://[::ffff:169.254.169.254]/", "http://rebind.example.com/", "http://sneaky.example.com/",
            "http://metadata.google.internal/", "http://224.0.0.1/", "ftp://hooks.example.com/", "file:///etc/passwd",
            "gopher://hooks.example.com/", "http://user:pw@hooks.example.com/", "http:///nohost", "not a url",
            "http://receiver.test:9000/hook"})
    void refuses_internal_metadata_odd_schemes_and_unresolvable_hosts(String url) {
        OutboundUrlGuard.Decision d = strict.check(url);
        assertThat(d.allowed()).as(url).isFalse();
        assertThat(d.reason()).isNotBlank();
    }

    @Test
    void the_allowlist_opens_exactly_the_listed_ranges_and_hosts() {
        OutboundUrlGuard local = new OutboundUrlGuard(List.of("127.0.0.0/8", "::1/128"), OutboundUrlGuardTest::resolve);
        assertThat(local.check("http://receiver.test:9000/hook").allowed()).isTrue();
        assertThat(local.check("http://127.0.0.1:8080/").allowed()).isTrue();
        assertThat(local.check("http://[::1]:8080/").allowed()).isTrue();
        assertThat(local.check("http://10.0.0.1/").allowed()).isFalse();
        assertThat(local.check("http://169.254.169.254/").allowed()).isFalse();

        OutboundUrlGuard byHost = new OutboundUrlGuard(List.of("rebind.example.com"), OutboundUrlGuardTest::resolve);
        assertThat(byHost.check("http://rebind.example.com/").allowed()).isTrue();
        assertThat(byHost.check("http://sneaky.example.com/").allowed()).isFalse();
    }

    @Test
    void an_allowed_decision_carries_the_vetted_addresses_to_connect_to() {
        assertThat(strict.check("https://hooks.example.com/").addresses()).extracting(InetAddress::getHostAddress)
                .containsExactly("93.184.216.34");
    }

    @Test
    void the_dns_hook_answers_only_with_approved_addresses_and_checks_every_lookup_again() throws Exception {
        Map<String, String> answers = new java.util.HashMap<>(Map.of("flip.example.com", "93.184.216.34"));
        OutboundUrlGuard guard = new OutboundUrlGuard(List.of(), host -> {
            String ip = answers.get(host);
            if (ip == null) {
                throw new UnknownHostException(host);
            }
            return new InetAddress[] {InetAddress.getByName(ip)};
        });
        assertThat(guard.resolveAllowed("FLIP.example.com")).extracting(InetAddress::getHostAddress)
                .containsExactly("93.184.216.34");
        answers.put("flip.example.com", "127.0.0.1"); // the DNS answer changes after the URL was approved
        assertThatThrownBy(() -> guard.resolveAllowed("flip.example.com"))
                .isInstanceOf(UnknownHostException.class).hasMessageContaining("loopback");
        assertThatThrownBy(() -> guard.resolveAllowed("metadata.google.internal"))
                .isInstanceOf(UnknownHostException.class).hasMessageContaining("metadata");
        assertThatThrownBy(() -> guard.resolveAllowed("nowhere.example.com")).isInstanceOf(UnknownHostException.class);
        assertThatThrownBy(() -> guard.resolveAllowed("")).isInstanceOf(UnknownHostException.class);
        assertThat(new OutboundUrlGuard(List.of("127.0.0.0/8"), OutboundUrlGuardTest::resolve)
                .resolveAllowed("receiver.test")).extracting(InetAddress::getHostAddress).containsExactly("127.0.0.1");
    }
}
