package com.dataplatform.stream.distributor.assignment;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Node heartbeats on database time; a node is live while its heartbeat is fresher than the lease TTL and healthy. */
public class NodeRegistry {

    /** A live node as {@code GET /api/nodes} shows it. */
    public record NodeRow(String id, OffsetDateTime startedAt, OffsetDateTime heartbeatAt, boolean healthy,
            String dependencies, int ownedStreams) {
    }

    private final JdbcClient jdbc;
    private final long ttlMillis;

    public NodeRegistry(JdbcClient jdbc, Duration leaseTtl) {
        this.jdbc = jdbc;
        this.ttlMillis = leaseTtl.toMillis();
    }

    public void heartbeat(String node, boolean healthy, String dependenciesJson) {
        jdbc.sql("""
                insert into node (id, heartbeat_at, healthy, dependencies)
                values (:id, clock_timestamp(), :healthy, cast(:deps as jsonb))
                on conflict (id) do update set heartbeat_at = excluded.heartbeat_at, healthy = excluded.healthy,
                                               dependencies = excluded.dependencies""")
                .param("id", node).param("healthy", healthy).param("deps", dependenciesJson).update();
    }

    /** Healthy nodes with a fresh heartbeat: the denominator of the fair share. */
    public int liveHealthyNodes() {
        return jdbc.sql("""
                select count(*) from node
                where healthy and heartbeat_at > clock_timestamp() - :ttl * interval '1 millisecond'""")
                .param("ttl", ttlMillis).query(Integer.class).single();
    }

    /** Graceful leave: others recompute their fair share at their next poll. */
    public void leave(String node) {
        jdbc.sql("delete from node where id = :id").param("id", node).update();
    }

    public List<NodeRow> live() {
        return jdbc.sql("""
                select n.id, n.started_at, n.heartbeat_at, n.healthy, n.dependencies::text as dependencies,
                       (select count(*) from stream s
                        where s.owner = n.id and s.lease_expires_at > clock_timestamp()) as owned
                from node n
                where n.heartbeat_at > clock_timestamp() - :ttl * interval '1 millisecond'
                order by n.id""")
                .param("ttl", ttlMillis)
                .query((rs, i) -> new NodeRow(rs.getString("id"), rs.getObject("started_at", OffsetDateTime.class),
                        rs.getObject("heartbeat_at", OffsetDateTime.class), rs.getBoolean("healthy"),
                        rs.getString("dependencies"), rs.getInt("owned")))
                .list();
    }
}
