package com.dataplatform.ci.deploy.lifecycle;

import static com.dataplatform.common.lake.LakeNames.quote;

import com.dataplatform.ci.deploy.DeployProperties;
import com.dataplatform.ci.deploy.assembly.Assembler;
import com.dataplatform.ci.deploy.assembly.VersionPaths;
import com.dataplatform.ci.deploy.isolation.VersionRoles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Drops what is no longer kept: failed candidates' schemas after their TTL, and retired versions beyond the last
 * {@code keepVersions} live/retired ones. Each drop runs under the app's lock and re-checks that the version is not
 * LIVE; {@code drop owned} is RESTRICT, so a live view can never lose its table. Logs stay; the workspace goes.
 */
public class Retention {

    private static final Logger log = LoggerFactory.getLogger(Retention.class);

    record Victim(String app, int version, String roleName) {
    }

    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final VersionRoles roles;
    private final DeployProperties props;

    public Retention(JdbcClient jdbc, TransactionTemplate tx, VersionRoles roles, DeployProperties props) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.roles = roles;
        this.props = props;
    }

    @Scheduled(fixedDelayString = "${ci-deploy.retention-interval:60s}", initialDelayString = "10s")
    public void sweep() {
        try {
            drop(jdbc.sql("""
                    select app, version, role_name from app_version
                    where status = 'FAILED' and schema_dropped_at is null and schema_expires_at < now()""")
                    .query(Victim.class).list());
            for (String app : jdbc.sql("select name from app").query(String.class).list()) {
                enforce(app);
            }
        } catch (RuntimeException e) {
            log.warn("retention sweep failed, will retry: {}", e.toString());
        }
    }

    /** Keeps the newest {@code keepVersions} live/retired versions of {@code app}. */
    public void enforce(String app) {
        drop(jdbc.sql("""
                select app, version, role_name from app_version
                where app = :app and status in ('LIVE', 'RETIRED') and schema_dropped_at is null
                order by version desc offset :keep""").param("app", app).param("keep", props.keepVersions())
                .query(Victim.class).list().stream().filter(v -> !isLive(v)).toList());
    }

    private boolean isLive(Victim v) {
        return jdbc.sql("select status = 'LIVE' from app_version where app = :a and version = :v")
                .param("a", v.app()).param("v", v.version()).query(Boolean.class).single();
    }

    private void drop(List<Victim> victims) {
        for (Victim v : victims) {
            try {
                roles.disable(v.roleName());
                tx.executeWithoutResult(s -> {
                    jdbc.sql("select name from app where name = :a for update").param("a", v.app()).query().listOfRows();
                    int n = jdbc.sql("""
                            update app_version set schema_dropped_at = now()
                            where app = :a and version = :v and status <> 'LIVE' and schema_dropped_at is null""")
                            .param("a", v.app()).param("v", v.version()).update();
                    if (n == 1 && roles.exists(v.roleName())) {
                        jdbc.sql("drop owned by " + quote(v.roleName())).update();
                        jdbc.sql("drop role " + quote(v.roleName())).update();
                    }
                });
                VersionPaths paths = VersionPaths.of(props.workDir(), v.app(), v.version());
                deleteTree(paths.workspace());
                deleteTree(paths.bundle());
                deleteTree(paths.runDir());
                log.info("{} v{}: schema and artifact dropped", v.app(), v.version());
            } catch (RuntimeException | IOException e) {
                log.warn("{} v{}: not dropped: {}", v.app(), v.version(), e.toString());
            }
        }
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        Assembler.thaw(root);
        try (var walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
