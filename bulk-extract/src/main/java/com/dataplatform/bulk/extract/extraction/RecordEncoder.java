package com.dataplatform.bulk.extract.extraction;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.dataplatform.common.events.CloudEventHeaders;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Encodes {@link ExtractedRecord}s as CloudEvents binary-mode Kafka records — the same headers and JSON body
 * {@code CloudEventCodec} writes for a {@code RecordExtracted} event — straight to bytes: the body is written by hand
 * ({@code {"op","entity","id","userId","version","data"}}, data copied from the database unparsed), the headers
 * all records of a round share are encoded once. One encoder per published round (it fixes ce_time).
 */
final class RecordEncoder {

    static final String TYPE = "RecordExtracted";

    private final String topic;
    private final String subject;
    private final byte[] idPrefix;
    private final RecordHeader specVersion;
    private final RecordHeader source;
    private final RecordHeader type;
    private final RecordHeader time;
    private final RecordHeader subjectHeader;
    private final RecordHeader tenant;
    private final RecordHeader contentType;
    private byte[] buf = new byte[1024];
    private int len;

    RecordEncoder(String topic, String source, String tenant, String subject, OffsetDateTime now) {
        this.topic = topic;
        this.subject = subject;
        this.idPrefix = (subject + ":").getBytes(UTF_8);
        this.specVersion = header(CloudEventHeaders.SPEC_VERSION, CloudEventHeaders.SPEC_VERSION_VALUE);
        this.source = header(CloudEventHeaders.SOURCE, source);
        this.type = header(CloudEventHeaders.TYPE, TYPE);
        this.time = header(CloudEventHeaders.TIME,
                DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(now.withOffsetSameInstant(ZoneOffset.UTC)));
        this.subjectHeader = header(CloudEventHeaders.SUBJECT, subject);
        this.tenant = header(CloudEventHeaders.TENANT, tenant);
        this.contentType = header(CloudEventHeaders.CONTENT_TYPE, CloudEventHeaders.JSON);
    }

    private static RecordHeader header(String key, String value) {
        return new RecordHeader(key, value.getBytes(UTF_8));
    }

    String subject() {
        return subject;
    }

    /** Key {@code entity:id}; ce_id {@code job:version:op:entity:id} (a re-send has the id of the first send). */
    ProducerRecord<byte[], byte[]> encode(ExtractedRecord r) {
        len = 0;
        string(r.entity());
        raw((byte) ':');
        string(r.id());
        byte[] key = Arrays.copyOf(buf, len);

        len = 0;
        raw(idPrefix);
        ascii(Long.toString(r.version()));
        raw((byte) ':');
        string(r.op());
        raw((byte) ':');
        raw(key);
        byte[] ceId = Arrays.copyOf(buf, len);

        len = 0;
        ascii("{\"op\":");
        quoted(r.op());
        ascii(",\"entity\":");
        quoted(r.entity());
        ascii(",\"id\":");
        quoted(r.id());
        ascii(",\"userId\":");
        if (r.userId() == null) {
            ascii("null");
        } else {
            quoted(r.userId());
        }
        ascii(",\"version\":");
        ascii(Long.toString(r.version()));
        ascii(",\"data\":");
        if (r.data() == null) {
            ascii("null");
        } else {
            raw(r.data());
        }
        raw((byte) '}');
        byte[] body = Arrays.copyOf(buf, len);

        RecordHeaders headers = new RecordHeaders(new RecordHeader[] {specVersion,
                new RecordHeader(CloudEventHeaders.ID, ceId), source, type, time, subjectHeader, tenant, contentType});
        return new ProducerRecord<>(topic, null, null, key, body, headers);
    }

    private void ensure(int more) {
        if (len + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
        }
    }

    private void raw(byte b) {
        ensure(1);
        buf[len++] = b;
    }

    private void raw(byte[] b) {
        ensure(b.length);
        System.arraycopy(b, 0, buf, len, b.length);
        len += b.length;
    }

    private void ascii(String s) {
        ensure(s.length());
        for (int i = 0; i < s.length(); i++) {
            buf[len++] = (byte) s.charAt(i);
        }
    }

    /** UTF-8 of the string, unescaped (an ASCII loop, the JDK's encoder for anything else). */
    private void string(String s) {
        int n = s.length();
        ensure(n);
        int start = len;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x80) {
                len = start;
                raw(s.getBytes(UTF_8));
                return;
            }
            buf[len++] = (byte) c;
        }
    }

    private static final byte[] HEX = "0123456789abcdef".getBytes(UTF_8);

    /** A JSON string: quotes, backslash and control characters escaped, the rest as UTF-8. */
    private void quoted(String s) {
        raw((byte) '"');
        int start = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\' || c < 0x20) {
                string(s.substring(start, i));
                ensure(6);
                buf[len++] = '\\';
                switch (c) {
                    case '"' -> buf[len++] = '"';
                    case '\\' -> buf[len++] = '\\';
                    case '\n' -> buf[len++] = 'n';
                    case '\r' -> buf[len++] = 'r';
                    case '\t' -> buf[len++] = 't';
                    default -> {
                        buf[len++] = 'u';
                        buf[len++] = '0';
                        buf[len++] = '0';
                        buf[len++] = HEX[c >> 4];
                        buf[len++] = HEX[c & 0xf];
                    }
                }
                start = i + 1;
            }
        }
        string(s.substring(start));
        raw((byte) '"');
    }
}
