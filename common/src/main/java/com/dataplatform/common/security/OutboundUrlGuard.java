package com.dataplatform.common.security;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * SSRF guard for every outbound call to a user-given URL (webhooks, CalDAV servers, ...). A URL is allowed only if
 * it is http(s), has a host, and every address the host resolves to is public — not loopback, link-local (incl. the
 * 169.254.169.254 metadata service), private, CGNAT, unique-local, multicast or unspecified — unless the host or
 * address is on the allowlist ({@code suite.outbound.allowlist}: host names or CIDR ranges; the local stack and
 * tests allowlist loopback). Callers should connect to {@link Decision#addresses()} to avoid DNS rebinding.
 */
public final class OutboundUrlGuard {

    /** Resolves a host name; tests inject a fake so no lookup leaves the machine. */
    @FunctionalInterface
    public interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    /** The decision for one URL, with the reason when refused. */
    public record Decision(boolean allowed, String reason, List<InetAddress> addresses) {
    }

    private static final Set<String> METADATA_HOSTS = Set.of("metadata.google.internal", "metadata",
            "metadata.azure.com", "instance-data", "instance-data.ec2.internal");

    private final List<String> allowedHosts = new ArrayList<>();
    private final List<Cidr> allowedRanges = new ArrayList<>();
    private final Resolver resolver;

    public OutboundUrlGuard(List<String> allowlist, Resolver resolver) {
        this.resolver = resolver;
        for (String entry : allowlist) {
            String e = entry.trim().toLowerCase(Locale.ROOT);
            if (e.isEmpty()) {
                continue;
            }
            if (e.contains("/")) {
                allowedRanges.add(Cidr.parse(e));
            } else {
                allowedHosts.add(e);
            }
        }
    }

    public OutboundUrlGuard(List<String> allowlist) {
        this(allowlist, InetAddress::getAllByName);
    }

    public Decision check(String url) {
        URI uri;
        try {
            uri = URI.create(url.trim());
        } catch (IllegalArgumentException | NullPointerException e) {
            return refuse("not a valid URL");
        }
        return check(uri);
    }

    public Decision check(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            return refuse("only http and https URLs are allowed");
        }
        if (uri.getRawUserInfo() != null) {
            return refuse("credentials in the URL are not allowed");
        }
        String host = uri.getHost();
        if (host == null || host.isBlank()) {
            return refuse("URL has no host");
        }
        host = host.toLowerCase(Locale.ROOT);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return checkHost(host);
    }

    /**
     * The addresses of {@code host} if every one of them is allowed, for an HTTP client's DNS hook (e.g. Apache
     * HttpClient's {@code DnsResolver}), so the client connects to exactly the addresses this guard approved and a
     * DNS answer that changes between the check and the connect (DNS rebinding) is checked again, not trusted.
     *
     * @throws UnknownHostException if the host does not resolve or an address is refused (the message says why)
     */
    public InetAddress[] resolveAllowed(String host) throws UnknownHostException {
        String h = host == null ? "" : host.toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        if (h.isBlank()) {
            throw new UnknownHostException("no host");
        }
        Decision decision = checkHost(h);
        if (!decision.allowed()) {
            throw new UnknownHostException(decision.reason());
        }
        return decision.addresses().toArray(InetAddress[]::new);
    }

    private Decision checkHost(String host) {
        boolean hostAllowlisted = allowedHosts.contains(host);
        if (!hostAllowlisted && METADATA_HOSTS.contains(host)) {
            return refuse("cloud metadata host " + host + " is not allowed");
        }
        InetAddress[] addresses;
        try {
            addresses = resolver.resolve(host);
        } catch (UnknownHostException e) {
            return refuse("host " + host + " does not resolve");
        }
        if (addresses == null || addresses.length == 0) {
            return refuse("host " + host + " does not resolve");
        }
        for (InetAddress address : addresses) {
            if (hostAllowlisted || allowedRanges.stream().anyMatch(r -> r.contains(address))) {
                continue;
            }
            String kind = restrictedKind(address);
            if (kind != null) {
                return refuse(host + " resolves to " + kind + " address " + address.getHostAddress()
                        + ", which is not allowed (suite.outbound.allowlist)");
            }
        }
        return new Decision(true, null, List.of(addresses));
    }

    private static Decision refuse(String reason) {
        return new Decision(false, reason, List.of());
    }

    /** Why an address is not public, or null if it is. */
    static String restrictedKind(InetAddress address) {
        InetAddress a = unmapIpv4(address);
        if (a.isAnyLocalAddress()) {
            return "an unspecified";
        }
        if (a.isLoopbackAddress()) {
            return "a loopback";
        }
        if (a.isLinkLocalAddress()) {
            return "a link-local (metadata)";
        }
        if (a.isSiteLocalAddress()) {
            return "a private";
        }
        if (a.isMulticastAddress()) {
            return "a multicast";
        }
        byte[] b = a.getAddress();
        if (a instanceof Inet4Address) {
            int first = b[0] & 0xff;
            int second = b[1] & 0xff;
            if (first == 0) {
                return "a 'this network'";
            }
            if (first == 100 && second >= 64 && second <= 127) {
                return "a carrier-grade NAT";
            }
            if (first == 198 && (second == 18 || second == 19)) {
                return "a benchmarking";
            }
            if (first >= 240) {
                return "a reserved";
            }
        } else if (a instanceof Inet6Address) {
            if ((b[0] & 0xfe) == 0xfc) {
                return "a unique-local";
            }
            if ((b[0] & 0xff) == 0xfe && (b[1] & 0xc0) == 0xc0) {
                return "a site-local";
            }
        }
        return null;
    }

    private static InetAddress unmapIpv4(InetAddress address) {
        byte[] b = address.getAddress();
        if (address instanceof Inet6Address && b.length == 16) {
            boolean mapped = true;
            for (int i = 0; i < 10; i++) {
                mapped &= b[i] == 0;
            }
            boolean compat = mapped && b[10] == 0 && b[11] == 0;
            mapped &= (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
            if (mapped || (compat && (b[12] != 0 || b[13] != 0))) {
                try {
                    return InetAddress.getByAddress(new byte[] {b[12], b[13], b[14], b[15]});
                } catch (UnknownHostException e) {
                    return address;
                }
            }
        }
        return address;
    }

    /** An address range in CIDR notation. */
    record Cidr(byte[] network, int prefix) {

        static Cidr parse(String text) {
            int slash = text.indexOf('/');
            try {
                byte[] net = InetAddress.getByName(text.substring(0, slash)).getAddress();
                int prefix = Integer.parseInt(text.substring(slash + 1));
                if (prefix < 0 || prefix > net.length * 8) {
                    throw new IllegalArgumentException("bad prefix in " + text);
                }
                return new Cidr(net, prefix);
            } catch (UnknownHostException | NumberFormatException e) {
                throw new IllegalArgumentException("not a CIDR range: " + text, e);
            }
        }

        boolean contains(InetAddress address) {
            byte[] a = unmapIpv4(address).getAddress();
            if (a.length != network.length) {
                return false;
            }
            int bits = prefix;
            for (int i = 0; i < a.length && bits > 0; i++, bits -= 8) {
                int mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
                if ((a[i] & mask) != (network[i] & mask)) {
                    return false;
                }
            }
            return true;
        }
    }
}
