package com.dataplatform.calendar.sync.caldav;

import com.dataplatform.common.security.GuardedHttpClients;
import com.dataplatform.common.security.OutboundUrlGuard;
import java.time.Duration;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http.io.entity.StringEntity;
import org.apache.hc.core5.http.io.support.ClassicRequestBuilder;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * A small CalDAV (RFC 4791) client: sync-collection (RFC 6578), calendar-multiget, GET and PUT with If-Match /
 * If-None-Match. Every URL it calls — the base URL and every href the server returns — passes the SSRF guard
 * first, so a server cannot redirect us into the internal network. Redirects are not followed. The transport is
 * {@link GuardedHttpClients}: the connect goes only to addresses the guard approved when the socket is opened (no DNS
 * rebinding between the check and the connect).
 */
public final class CalDavClient {

    private static final String DAV = "DAV:";
    private static final String CALDAV = "urn:ietf:params:xml:ns:caldav";

    /** One CalDAV resource: href, etag and (when fetched) its iCalendar text. */
    public record Resource(String href, String etag, String body) {
    }

    /** What changed since a sync token: changed (href + etag), deleted hrefs, and the new token. */
    public record Changes(String token, List<Resource> changed, List<String> deleted) {
    }

    /** The server refused our sync token (RFC 6578 DAV:valid-sync-token): a full resync is needed. */
    public static final class SyncTokenRejected extends RuntimeException {
        SyncTokenRejected(String detail) {
            super(detail);
        }
    }

    /** The resource changed on the server since the etag we wrote against (412). */
    public static final class PreconditionFailed extends RuntimeException {
        PreconditionFailed(String href) {
            super("resource changed on the server: " + href);
        }
    }

    /** Any other CalDAV failure, with the status and a snippet of the answer. */
    public static final class CalDavException extends RuntimeException {
        CalDavException(String message) {
            super(message);
        }
    }

    /** A response as read: status, body (UTF-8) and ETag header. */
    record Response(int statusCode, String body, String etag) {
    }

    private final CloseableHttpClient http;
    private final OutboundUrlGuard guard;
    private final URI base;
    private final String authorization;

    public CalDavClient(CloseableHttpClient http, OutboundUrlGuard guard, String baseUrl, String username, String password) {
        this.http = http;
        this.guard = guard;
        this.base = URI.create(baseUrl.endsWith("/") ? baseUrl : baseUrl + "/");
        this.authorization = username == null ? null : "Basic " + Base64.getEncoder()
                .encodeToString((username + ":" + (password == null ? "" : password)).getBytes(StandardCharsets.UTF_8));
    }

    /** A client with its own guarded connection pool (one-off use; the service shares one pool in CalDavSync). */
    public static CalDavClient standalone(OutboundUrlGuard guard, String baseUrl, String username, String password) {
        return new CalDavClient(GuardedHttpClients.create(guard, Duration.ofSeconds(10), Duration.ofSeconds(30), 20), guard, baseUrl, username, password);
    }

    public URI base() {
        return base;
    }

    /** RFC 6578 sync-collection; an empty token lists everything. */
    public Changes sync(String token) {
        String body = """
                <?xml version="1.0" encoding="utf-8"?>
                <D:sync-collection xmlns:D="DAV:"><D:sync-token>%s</D:sync-token><D:sync-level>1</D:sync-level>
                <D:prop><D:getetag/></D:prop></D:sync-collection>""".formatted(token == null ? "" : xmlEscape(token));
        Response r = send("REPORT", base, body, Map.of("Depth", "1"));
        if (token != null && !token.isEmpty() && (r.statusCode() == 403 || r.statusCode() == 409
                || r.body().contains("valid-sync-token"))) {
            throw new SyncTokenRejected("server rejected sync token (HTTP " + r.statusCode() + ")");
        }
        expect(r, 207, "sync-collection");
        Document doc = parse(r.body());
        List<Resource> changed = new ArrayList<>();
        List<String> deleted = new ArrayList<>();
        NodeList responses = doc.getElementsByTagNameNS(DAV, "response");
        for (int i = 0; i < responses.getLength(); i++) {
            Element response = (Element) responses.item(i);
            String href = text(response, DAV, "href");
            String status = text(response, DAV, "status");
            if (href == null || href.equals(base.getPath())) {
                continue;
            }
            if (status != null && status.contains(" 404")) {
                deleted.add(href);
            } else {
                changed.add(new Resource(href, text(response, DAV, "getetag"), null));
            }
        }
        NodeList tokens = doc.getElementsByTagNameNS(DAV, "sync-token");
        String newToken = tokens.getLength() == 0 ? null : tokens.item(0).getTextContent().strip();
        return new Changes(newToken, changed, deleted);
    }

    /** RFC 4791 calendar-multiget of the given hrefs, with etag and calendar data. */
    public List<Resource> multiget(List<String> hrefs) {
        if (hrefs.isEmpty()) {
            return List.of();
        }
        StringBuilder b = new StringBuilder("""
                <?xml version="1.0" encoding="utf-8"?>
                <C:calendar-multiget xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">
                <D:prop><D:getetag/><C:calendar-data/></D:prop>""");
        for (String href : hrefs) {
            guardOrThrow(base.resolve(href));
            b.append("<D:href>").append(xmlEscape(href)).append("</D:href>");
        }
        b.append("</C:calendar-multiget>");
        Response r = send("REPORT", base, b.toString(), Map.of("Depth", "1"));
        expect(r, 207, "calendar-multiget");
        Document doc = parse(r.body());
        List<Resource> out = new ArrayList<>();
        NodeList responses = doc.getElementsByTagNameNS(DAV, "response");
        for (int i = 0; i < responses.getLength(); i++) {
            Element response = (Element) responses.item(i);
            String data = text(response, CALDAV, "calendar-data");
            if (data != null) {
                out.add(new Resource(text(response, DAV, "href"), text(response, DAV, "getetag"), data));
            }
        }
        return out;
    }

    public Optional<Resource> get(String href) {
        Response r = send("GET", base.resolve(href), null, Map.of());
        if (r.statusCode() == 404) {
            return Optional.empty();
        }
        expect(r, 200, "GET " + href);
        return Optional.of(new Resource(href, r.etag(), r.body()));
    }

    /**
     * PUT with If-Match (update of what we last saw) or If-None-Match: * (create); returns the new etag, or throws
     * {@link PreconditionFailed} when the server's copy changed meanwhile.
     */
    public String put(String href, String ics, String ifMatch) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "text/calendar; charset=utf-8");
        if (ifMatch == null) {
            headers.put("If-None-Match", "*");
        } else {
            headers.put("If-Match", ifMatch);
        }
        Response r = send("PUT", base.resolve(href), ics, headers);
        if (r.statusCode() == 412) {
            throw new PreconditionFailed(href);
        }
        if (r.statusCode() != 201 && r.statusCode() != 204 && r.statusCode() != 200) {
            throw new CalDavException("PUT " + href + " answered " + r.statusCode() + ": " + snippet(r.body()));
        }
        return r.etag() != null ? r.etag() : get(href).map(Resource::etag).orElse(null);
    }

    private Response send(String method, URI uri, String body, Map<String, String> headers) {
        guardOrThrow(uri);
        ClassicRequestBuilder b = ClassicRequestBuilder.create(method).setUri(uri);
        if (body != null) {
            String type = headers.getOrDefault("Content-Type", "application/xml; charset=utf-8");
            b.setEntity(new StringEntity(body, ContentType.parse(type)));
        }
        headers.forEach((name, value) -> {
            if (!name.equals("Content-Type")) {
                b.addHeader(name, value);
            }
        });
        if (authorization != null) {
            b.addHeader("Authorization", authorization);
        }
        // HTTP/1.0 servers (Radicale) close connections the client may have pooled: one retry on a fresh one. Every
        // request here is safe to repeat (reads, or PUTs guarded by If-Match / If-None-Match). A refusal by the guard
        // at connect time (UnknownHostException from its DNS hook) is final.
        for (int attempt = 0; ; attempt++) {
            try {
                return http.execute(b.build(), response -> {
                    Header etag = response.getFirstHeader("ETag");
                    String text = response.getEntity() == null ? ""
                            : EntityUtils.toString(response.getEntity(), StandardCharsets.UTF_8);
                    return new Response(response.getCode(), text, etag == null ? null : etag.getValue());
                });
            } catch (UnknownHostException e) {
                throw new CalDavException("refused outbound call to " + uri + ": " + e.getMessage());
            } catch (IOException e) {
                if (attempt >= 2) {
                    throw new CalDavException(method + " " + uri + " failed: " + e.getMessage());
                }
            }
        }
    }

    /**
     * Every request stays on the system's own origin (scheme, host and port of the base URL): hrefs come from the
     * server, and an absolute href naming another host must not receive the system's credentials. Then the SSRF
     * guard decides.
     */
    private void guardOrThrow(URI uri) {
        if (!sameOrigin(base, uri)) {
            throw new CalDavException("refused " + uri + ": not on the calendar system's origin " + base.getScheme()
                    + "://" + base.getAuthority());
        }
        OutboundUrlGuard.Decision d = guard.check(uri);
        if (!d.allowed()) {
            throw new CalDavException("refused outbound call to " + uri + ": " + d.reason());
        }
    }

    static boolean sameOrigin(URI base, URI uri) {
        return uri.getScheme() != null && uri.getScheme().equalsIgnoreCase(base.getScheme())
                && uri.getHost() != null && uri.getHost().equalsIgnoreCase(base.getHost())
                && port(uri) == port(base) && uri.getRawUserInfo() == null;
    }

    private static int port(URI u) {
        return u.getPort() != -1 ? u.getPort() : "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
    }

    private static void expect(Response r, int status, String what) {
        if (r.statusCode() != status) {
            throw new CalDavException(what + " answered " + r.statusCode() + ": " + snippet(r.body()));
        }
    }

    private static String snippet(String s) {
        return s == null ? "" : s.length() > 300 ? s.substring(0, 300) + "…" : s;
    }

    private static Document parse(String xml) {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(true);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setExpandEntityReferences(false);
            return f.newDocumentBuilder().parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new CalDavException("unreadable multistatus: " + e.getMessage());
        }
    }

    private static String text(Element parent, String ns, String name) {
        NodeList l = parent.getElementsByTagNameNS(ns, name);
        return l.getLength() == 0 ? null : l.item(0).getTextContent().strip();
    }

    private static String xmlEscape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
