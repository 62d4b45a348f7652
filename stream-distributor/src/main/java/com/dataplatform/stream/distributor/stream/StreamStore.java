package com.dataplatform.stream.distributor.stream;

import com.dataplatform.common.security.SecretSeal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The API's view of the stream table; every query is scoped to the caller's org. */
public class StreamStore {

    private static final String COLUMNS = """
            id, org, name, source_topic, source_type_filter, dest_type, dest_url, dest_topic, status,
            owner, epoch, lag, last_delivered_at, created_at""";

    private final JdbcClient jdbc;
    private final SecretSeal seal;

    public StreamStore(JdbcClient jdbc, SecretSeal seal) {
        this.jdbc = jdbc;
        this.seal = seal;
    }

    /** Inserts the stream with its starting checkpoint; empty if the org already has a stream of that name. */
    public Optional<Stream> insert(String org, String name, Source source, Destination destination,
            String checkpointJson) {
        UUID id = UUID.randomUUID();
        String url = destination instanceof Destination.Webhook w ? w.url() : null;
        byte[] secret = destination instanceof Destination.Webhook w ? seal.seal(w.secret(), id) : null;
        String topic = destination instanceof Destination.KafkaTopic k ? k.topic() : null;
        return jdbc.sql("""
                insert into stream (id, org, name, source_topic, source_type_filter, dest_type, dest_url,
                                    dest_secret_sealed, dest_topic, checkpoint)
                values (:id, :org, :name, :topic, :filter, :type, :url, :secret, :destTopic, cast(:checkpoint as jsonb))
                on conflict (org, name) do nothing
                returning """ + " " + COLUMNS)
                .param("id", id).param("org", org).param("name", name)
                .param("topic", source.topic()).param("filter", source.typeFilter())
                .param("type", destination.type()).param("url", url).param("secret", secret)
                .param("destTopic", topic).param("checkpoint", checkpointJson)
                .query(StreamStore::map).optional();
    }

    public Optional<Stream> find(String org, UUID id) {
        return jdbc.sql("select " + COLUMNS + " from stream where org = :org and id = :id")
                .param("org", org).param("id", id).query(StreamStore::map).optional();
    }

    public List<Stream> list(String org) {
        return jdbc.sql("select " + COLUMNS + " from stream where org = :org order by created_at, id")
                .param("org", org).query(StreamStore::map).list();
    }

    /**
     * Pauses. The owner keeps the row until it notices (its next checkpoint or renewal is refused because the stream
     * is PAUSED), stops its worker and lets go; nobody can claim a paused stream meanwhile.
     */
    public Optional<Stream> pause(String org, UUID id) {
        return jdbc.sql("""
                update stream set status = 'PAUSED'
                where org = :org and id = :id
                returning """ + " " + COLUMNS)
                .param("org", org).param("id", id).query(StreamStore::map).optional();
    }

    /**
     * Resumes: claimable again once the former owner has let go (or its lease expired); if it has not noticed the
     * pause yet, it simply keeps the stream under its epoch.
     */
    public Optional<Stream> resume(String org, UUID id) {
        jdbc.sql("""
                update stream
                set status = case when owner is null then 'UNASSIGNED' else 'ACTIVE' end,
                    unowned_since = case when owner is null then clock_timestamp() else unowned_since end
                where org = :org and id = :id and status = 'PAUSED'""")
                .param("org", org).param("id", id).update();
        return find(org, id);
    }

    public boolean delete(String org, UUID id) {
        return jdbc.sql("delete from stream where org = :org and id = :id").param("org", org).param("id", id)
                .update() > 0;
    }

    /**
     * Seals the plain-text secrets of rows written before secrets were sealed, and clears the plain copies. Safe to
     * run on several nodes at once (each row is sealed under its row lock, once).
     */
    public int sealPlainSecrets() {
        int sealed = 0;
        for (UUID id : jdbc.sql("select id from stream where dest_secret is not null").query(UUID.class).list()) {
            sealed += jdbc.sql("select dest_secret from stream where id = :id and dest_secret is not null for update")
                    .param("id", id).query(String.class).optional()
                    .map(plain -> jdbc.sql("""
                            update stream set dest_secret_sealed = :sealed, dest_secret = null
                            where id = :id and dest_secret is not null""")
                            .param("sealed", seal.seal(plain, id)).param("id", id).update())
                    .orElse(0);
        }
        return sealed;
    }

    /** The API's view: a webhook's secret is never read back (only the delivering node opens it). */
    static Stream map(ResultSet rs, int row) throws SQLException {
        Destination destination = "webhook".equals(rs.getString("dest_type"))
                ? new Destination.Webhook(rs.getString("dest_url"), null)
                : new Destination.KafkaTopic(rs.getString("dest_topic"));
        long lag = rs.getLong("lag");
        Long lagOrNull = rs.wasNull() ? null : lag;
        return new Stream(rs.getObject("id", UUID.class), rs.getString("org"), rs.getString("name"),
                new Source(rs.getString("source_topic"), rs.getString("source_type_filter")), destination,
                StreamStatus.valueOf(rs.getString("status")), rs.getString("owner"), rs.getLong("epoch"), lagOrNull,
                rs.getObject("last_delivered_at", OffsetDateTime.class),
                rs.getObject("created_at", OffsetDateTime.class));
    }
}
