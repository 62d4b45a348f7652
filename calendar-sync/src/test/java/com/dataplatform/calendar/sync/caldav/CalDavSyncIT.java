package com.dataplatform.calendar.sync.caldav;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.dataplatform.calendar.sync.Api;
import com.dataplatform.common.security.OutboundUrlGuard;
import com.dataplatform.testsupport.SuiteInfrastructure;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/** The CalDAV connector against a real Radicale: incremental RFC 6578 sync, full resync, etag-guarded writes. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestPropertySource(properties = {Api.ALLOW_LOOPBACK, Api.CREDENTIALS_KEY})
@SuiteInfrastructure
class CalDavSyncIT {

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    private final String org = "cal" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    private final Radicale radicale = Radicale.get();

    static String ics(String uid, String summary, int sequence) {
        return ("BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//other client//EN\nBEGIN:VEVENT\nUID:" + uid
                + "\nDTSTAMP:20260101T000000Z\nLAST-MODIFIED:2026010" + (sequence + 1) + "T000000Z\n"
                + "DTSTART:20260301T100000Z\nDTEND:20260301T110000Z\nSUMMARY:" + summary + "\nSEQUENCE:" + sequence
                + "\nEND:VEVENT\nEND:VCALENDAR\n").replace("\n", "\r\n");
    }

    private int unified() {
        return jdbc.sql("select count(*) from unified_event where org = ?").param(org).query(Integer.class).single();
    }

    private int raw() {
        return jdbc.sql("select count(*) from raw_event where org = ?").param(org).query(Integer.class).single();
    }

    @Test
    void pulls_incrementally_by_sync_token_and_resyncs_without_duplicates_when_the_token_is_rejected() {
        Api api = new Api(port, org);
        String cal = radicale.calendar(org, "work");
        assertThat(radicale.send(org, "PUT", cal + "a.ics", ics("a@x", "Alpha", 0), null).statusCode()).isEqualTo(201);
        assertThat(radicale.send(org, "PUT", cal + "b.ics", ics("b@x", "Beta", 0), null).statusCode()).isEqualTo(201);
        String system = api.createSystem("""
                {"type":"caldav","name":"Radicale","master":false,"baseUrl":"%s","username":"%s","password":"s3cret-pw"}"""
                .formatted(cal, org));

        JsonNode first = api.sync(system);
        assertThat(first.path("fullResync").asBoolean()).isTrue();
        assertThat(first.path("changed").asInt()).isEqualTo(2);
        assertThat(unified()).isEqualTo(2);

        // the password is stored encrypted and never returned
        assertThat(api.send("GET", "/api/systems/" + system, null, null).body()).doesNotContain("s3cret-pw", "password");
        byte[] sealed = jdbc.sql("select password_enc from calendar_system where id = ?::uuid").param(system)
                .query((rs, n) -> rs.getBytes(1)).single();
        assertThat(new String(sealed, StandardCharsets.ISO_8859_1)).doesNotContain("s3cret-pw");

        // another client changes a and deletes b
        String etagA = radicale.send(org, "GET", cal + "a.ics", null, null).headers().firstValue("ETag").orElseThrow();
        assertThat(radicale.send(org, "PUT", cal + "a.ics", ics("a@x", "Alpha v2", 1), etagA).statusCode()).isIn(201, 204);
        assertThat(radicale.send(org, "DELETE", cal + "b.ics", null, null).statusCode()).isIn(200, 204);

        JsonNode second = api.sync(system);
        assertThat(second.path("fullResync").asBoolean()).isFalse();
        assertThat(second.path("changed").asInt()).isEqualTo(1);
        assertThat(second.path("deleted").asInt()).isEqualTo(1);
        assertThat(jdbc.sql("select data->>'title' from unified_event where org = ? and ical_uid = 'a@x'").param(org)
                .query(String.class).single()).isEqualTo("Alpha v2");
        assertThat(jdbc.sql("select data->>'status' from unified_event where org = ? and ical_uid = 'b@x'").param(org)
                .query(String.class).single()).isEqualTo("CANCELLED");

        assertThat(api.sync(system).path("changed").asInt()).isZero();
        int rawBefore = raw();

        jdbc.sql("update calendar_system set sync_token = 'http://radicale.org/ns/sync/bogus' where id = ?::uuid")
                .param(system).update();
        JsonNode resync = api.sync(system);
        assertThat(resync.path("fullResync").asBoolean()).isTrue();
        assertThat(resync.path("reason").asString()).contains("rejected");
        assertThat(resync.path("changed").asInt()).isZero();
        assertThat(resync.path("unchanged").asInt()).isEqualTo(1);
        assertThat(unified()).isEqualTo(2);
        assertThat(raw()).isEqualTo(rawBefore);
    }

    @Test
    void writes_create_with_if_none_match_and_a_stale_etag_is_a_precondition_failure() {
        String cal = radicale.calendar(org, "writes");
        CalDavClient client = CalDavClient.standalone(new OutboundUrlGuard(List.of("127.0.0.0/8")),
                cal, org, "pw");
        String etag = client.put("w.ics", ics("w@x", "Ours", 0), null);
        assertThat(etag).isNotBlank();
        assertThatThrownBy(() -> client.put("w.ics", ics("w@x", "Again", 0), null))
                .isInstanceOf(CalDavClient.PreconditionFailed.class);
        HttpResponse<String> other = radicale.send(org, "PUT", cal + "w.ics", ics("w@x", "Theirs", 1), etag);
        assertThat(other.statusCode()).isIn(201, 204);
        assertThatThrownBy(() -> client.put("w.ics", ics("w@x", "Ours v2", 1), etag))
                .isInstanceOf(CalDavClient.PreconditionFailed.class);
        assertThat(client.get("w.ics").orElseThrow().body()).contains("Theirs");
        assertThat(client.multiget(List.of(client.base().getPath() + "w.ics"))).singleElement()
                .satisfies(r -> assertThat(r.body()).contains("Theirs"));
    }

    @Test
    void every_outbound_url_passes_the_ssrf_guard() {
        CalDavClient guarded = CalDavClient.standalone(new OutboundUrlGuard(List.of()),
                radicale.url("/x/y/"), "x", "pw");
        assertThatThrownBy(() -> guarded.sync(null)).isInstanceOf(CalDavClient.CalDavException.class)
                .hasMessageContaining("loopback");
        Api api = new Api(port, org);
        HttpResponse<String> r = api.send("POST", "/api/systems", "application/json",
                "{\"type\":\"caldav\",\"name\":\"meta\",\"master\":false,\"baseUrl\":\"http://169.254.169.254/cal/\"}");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("baseUrl");
    }
}
