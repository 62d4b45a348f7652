package com.dataplatform.calendar.sync.system;

import com.dataplatform.common.web.ApiException;
import java.time.ZoneId;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Calendar systems, always read and written within one org. */
@Repository
public class SystemStore {

    private final JdbcClient jdbc;
    private final Credentials credentials;

    SystemStore(JdbcClient jdbc, Credentials credentials) {
        this.jdbc = jdbc;
        this.credentials = credentials;
    }

    public CalendarSystem create(CalendarSystem s, String password) {
        try {
            jdbc.sql("""
                    insert into calendar_system (id, org, type, name, master, base_url, username, time_zone, password_enc)
                    values (?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                    .params(s.id(), s.org(), s.type().wire(), s.name(), s.master(), s.baseUrl(), s.username(),
                            s.timeZone().getId(), password == null ? null : credentials.encrypt(password, s.id().toString()))
                    .update();
            return s;
        } catch (DuplicateKeyException e) {
            String detail = e.getMessage() != null && e.getMessage().contains("one_master_per_org")
                    ? "this org already has a master system" : "a system named '" + s.name() + "' already exists";
            throw ApiException.conflict(detail.startsWith("this") ? "master" : "name", detail);
        }
    }

    /** The org's system with this id; another org's system does not exist for the caller. */
    public CalendarSystem get(String org, UUID id) {
        return find(org, id).orElseThrow(() -> ApiException.notFound("calendar system", id));
    }

    public Optional<CalendarSystem> find(String org, UUID id) {
        return jdbc.sql("select * from calendar_system where org = ? and id = ?").params(org, id)
                .query((rs, n) -> new CalendarSystem(rs.getObject("id", UUID.class), rs.getString("org"),
                        CalendarSystem.Type.valueOf(rs.getString("type").toUpperCase(Locale.ROOT)), rs.getString("name"),
                        rs.getBoolean("master"), rs.getString("base_url"), rs.getString("username"),
                        ZoneId.of(rs.getString("time_zone"))))
                .optional();
    }

    /** The decrypted password of a system, for the connector only; never leaves the service. */
    public Optional<String> password(CalendarSystem s) {
        // a system created without a password has none (null column): an empty answer, not an error
        Optional<byte[]> sealed = jdbc.sql("select password_enc from calendar_system where id = ?").param(s.id())
                .query((rs, n) -> Optional.ofNullable(rs.getBytes(1))).single();
        return sealed.map(b -> credentials.decrypt(b, s.id().toString()));
    }

    /** The org's master system, if it has one. */
    public Optional<CalendarSystem> master(String org) {
        return jdbc.sql("select id from calendar_system where org = ? and master").param(org).query(UUID.class)
                .optional().map(id -> get(org, id));
    }

    public List<CalendarSystem> list(String org) {
        return jdbc.sql("select id from calendar_system where org = ? order by created_at, name").param(org)
                .query(UUID.class).list().stream().map(id -> get(org, id)).toList();
    }
}
