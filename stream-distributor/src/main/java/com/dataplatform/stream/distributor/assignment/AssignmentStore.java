package com.dataplatform.stream.distributor.assignment;

import com.dataplatform.stream.distributor.stream.Destination;
import com.dataplatform.common.security.SecretSeal;
import com.dataplatform.stream.distributor.stream.Source;
import com.dataplatform.stream.distributor.stream.Stream;
import com.dataplatform.stream.distributor.stream.StreamStatus;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The work-distribution table's hot path. Every write an owner makes is conditioned on its epoch (the fencing token
 * bumped on every claim); every time is the database's clock.
 */
public class AssignmentStore {

    private static final Logger log = LoggerFactory.getLogger(AssignmentStore.class);

    /** An owned stream's identity in the fence: a write succeeds only while the row still carries this epoch. */
    public record Held(UUID id, long epoch) {
    }

    private final JdbcClient jdbc;
    private final JsonMapper json;
    private final String node;
    private final long ttlMillis;
    private final SecretSeal seal;

    public AssignmentStore(JdbcClient jdbc, JsonMapper json, String node, Duration leaseTtl, SecretSeal seal) {
        this.jdbc = jdbc;
        this.seal = seal;
        this.json = json;
        this.node = node;
        this.ttlMillis = leaseTtl.toMillis();
    }

    /**
     * Atomically claims up to {@code max} streams that are unassigned or whose lease expired (rows locked by a
     * concurrent claimer are skipped), bumping each one's epoch.
     */
    public List<Assignment> claim(int max) {
        if (max <= 0) {
            return List.of();
        }
        List<Held> unusable = new ArrayList<>();
        List<Assignment> claimed = jdbc.sql("""
                with c as (
                    select id, owner as previous_owner, coalesce(unowned_since, lease_expires_at) as free_since
                    from stream
                    where status <> 'PAUSED' and (owner is null or lease_expires_at < clock_timestamp())
                    order by free_since nulls first, id
                    limit :max
                    for update skip locked)
                update stream s
                set owner = :node, epoch = s.epoch + 1, status = 'ACTIVE', unowned_since = null,
                    lease_expires_at = clock_timestamp() + :ttl * interval '1 millisecond'
                from c
                where s.id = c.id
                returning s.id, s.org, s.name, s.source_topic, s.source_type_filter, s.dest_type, s.dest_url,
                          s.dest_secret_sealed, s.dest_secret, s.dest_topic, s.epoch, s.lag, s.last_delivered_at, s.created_at,
                          s.checkpoint::text as checkpoint, c.previous_owner,
                          coalesce(extract(epoch from clock_timestamp() - c.free_since) * 1000, 0)::bigint
                              as unowned_ms""")
                .param("max", max).param("node", node).param("ttl", ttlMillis)
                .query((rs, i) -> {
                    try {
                        Destination d = "webhook".equals(rs.getString("dest_type"))
                                ? new Destination.Webhook(rs.getString("dest_url"), secret(rs))
                                : new Destination.KafkaTopic(rs.getString("dest_topic"));
                        long lag = rs.getLong("lag");
                        Stream s = new Stream(rs.getObject("id", UUID.class), rs.getString("org"),
                                rs.getString("name"),
                                new Source(rs.getString("source_topic"), rs.getString("source_type_filter")), d,
                                StreamStatus.ACTIVE, node, rs.getLong("epoch"), rs.wasNull() ? null : lag,
                                rs.getObject("last_delivered_at", OffsetDateTime.class),
                                rs.getObject("created_at", OffsetDateTime.class));
                        return new Assignment(s, s.epoch(), checkpoint(rs.getString("checkpoint")),
                                rs.getString("previous_owner"), rs.getLong("unowned_ms"));
                    } catch (RuntimeException e) { // e.g. a secret sealed under another key: this row only
                        log.error("stream {} cannot be served here, parking it: {}", rs.getObject("id", UUID.class),
                                e.toString());
                        unusable.add(new Held(rs.getObject("id", UUID.class), rs.getLong("epoch")));
                        return null;
                    }
                }).list();
        // claimed (new epoch, this node) but unusable: parked, so one bad row neither takes the others of its batch
        // down nor is claimed again at every poll
        park(unusable);
        return claimed.stream().filter(Objects::nonNull).toList();
    }

    /** How long a stream no node could serve stays DEGRADED and unclaimable before a node tries it again. */
    static final Duration PARK = Duration.ofSeconds(30);

    /**
     * Streams this node claimed but cannot serve (a secret it cannot open, a destination it cannot build): DEGRADED,
     * still owned under the new epoch but with no worker and a lease of {@link #PARK}, which nobody renews — so any
     * node may try again once it ran out, and meanwhile the stream is neither served nor claimed over and over.
     */
    public int park(Collection<Held> held) {
        if (held.isEmpty()) {
            return 0;
        }
        return jdbc.sql("""
                update stream s set status = case when s.status = 'PAUSED' then 'PAUSED' else 'DEGRADED' end,
                       lease_expires_at = clock_timestamp() + :ms * interval '1 millisecond'
                from unnest(string_to_array(:ids, ',')::uuid[], string_to_array(:epochs, ',')::bigint[]) as m(id, epoch)
                where s.id = m.id and s.epoch = m.epoch and s.owner = :node""")
                .param("node", node).param("ids", ids(held)).param("epochs", epochs(held))
                .param("ms", PARK.toMillis()).update();
    }

    /** Extends the leases still held under their epoch; returns the ids renewed (the others are lost). */
    public Set<UUID> renew(Collection<Held> held) {
        if (held.isEmpty()) {
            return Set.of();
        }
        return new HashSet<>(jdbc.sql("""
                update stream s set lease_expires_at = clock_timestamp() + :ttl * interval '1 millisecond'
                from unnest(string_to_array(:ids, ',')::uuid[], string_to_array(:epochs, ',')::bigint[]) as m(id, epoch)
                where s.id = m.id and s.epoch = m.epoch and s.owner = :node and s.status <> 'PAUSED'
                returning s.id""")
                .param("ttl", ttlMillis).param("node", node).param("ids", ids(held)).param("epochs", epochs(held))
                .query(UUID.class).list());
    }

    /** Hands streams back without waiting for their leases (UNASSIGNED, unless paused); only those still held. */
    public int release(Collection<Held> held) {
        return disown(held);
    }

    /**
     * Lets go of streams this node no longer serves (paused, or its worker stopped) without changing their status;
     * a no-op for rows that moved on to a newer epoch.
     */
    public int disown(Collection<Held> held) {
        if (held.isEmpty()) {
            return 0;
        }
        return jdbc.sql("""
                update stream s set owner = null, lease_expires_at = null, unowned_since = clock_timestamp(),
                       status = case when s.status = 'PAUSED' then 'PAUSED' else 'UNASSIGNED' end
                from unnest(string_to_array(:ids, ',')::uuid[], string_to_array(:epochs, ',')::bigint[]) as m(id, epoch)
                where s.id = m.id and s.epoch = m.epoch and s.owner = :node""")
                .param("node", node).param("ids", ids(held)).param("epochs", epochs(held)).update();
    }

    /**
     * Writes the stream's source offsets (merged per partition), its lag and, if records went out, the delivery time
     * — only under the caller's epoch and unexpired lease. False means the write was fenced: stop at once.
     */
    public boolean checkpoint(Held held, Map<Integer, Long> nextOffsets, long lag, boolean delivered) {
        String cp = nextOffsets.entrySet().stream().map(e -> "\"" + e.getKey() + "\":" + e.getValue())
                .collect(Collectors.joining(",", "{", "}"));
        return jdbc.sql("""
                update stream set checkpoint = checkpoint || cast(:cp as jsonb), lag = :lag,
                       last_delivered_at = case when :delivered then clock_timestamp() else last_delivered_at end
                where id = :id and epoch = :epoch and owner = :node and status <> 'PAUSED'
                  and lease_expires_at > clock_timestamp()""")
                .param("cp", cp).param("lag", lag).param("delivered", delivered).param("id", held.id())
                .param("epoch", held.epoch()).param("node", node).update() == 1;
    }

    /** ACTIVE <-> DEGRADED, under the epoch. */
    public boolean markStatus(Held held, StreamStatus status) {
        return jdbc.sql("""
                update stream set status = :status
                where id = :id and epoch = :epoch and owner = :node and status in ('ACTIVE', 'DEGRADED')""")
                .param("status", status.name()).param("id", held.id()).param("epoch", held.epoch())
                .param("node", node).update() == 1;
    }

    /**
     * Milliseconds (database time) until the next lease held by another node runs out, or -1 if none does: the
     * poller wakes up then instead of up to a poll interval later.
     */
    public long millisToNextForeignExpiry() {
        Long ms = jdbc.sql("""
                select ceil(extract(epoch from min(lease_expires_at) - clock_timestamp()) * 1000)::bigint
                from stream
                where owner is not null and owner <> :node and status <> 'PAUSED'""")
                .param("node", node).query(Long.class).optional().orElse(null);
        return ms == null ? -1 : ms;
    }

    /** Streams that can be owned (all but PAUSED): the numerator of the fair share. */
    public int distributable() {
        return jdbc.sql("select count(*) from stream where status <> 'PAUSED'").query(Integer.class).single();
    }

    private Map<Integer, Long> checkpoint(String text) {
        Map<Integer, Long> result = new TreeMap<>();
        JsonNode node = json.readTree(text == null ? "{}" : text);
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            result.put(Integer.parseInt(e.getKey()), e.getValue().asLong());
        }
        return result;
    }

    private static String ids(Collection<Held> held) {
        return held.stream().map(h -> h.id().toString()).collect(Collectors.joining(","));
    }

    private static String epochs(Collection<Held> held) {
        return held.stream().map(h -> Long.toString(h.epoch())).collect(Collectors.joining(","));
    }

    /** The sealed secret, opened; a row not sealed yet (written before sealing, during an upgrade) has it plain. */
    private String secret(ResultSet rs) throws SQLException {
        byte[] sealed = rs.getBytes("dest_secret_sealed");
        return sealed != null ? seal.open(sealed, rs.getObject("id", UUID.class)) : rs.getString("dest_secret");
    }
}
