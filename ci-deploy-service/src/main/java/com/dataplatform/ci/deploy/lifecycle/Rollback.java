package com.dataplatform.ci.deploy.lifecycle;

import com.dataplatform.ci.deploy.DeployProperties;
import com.dataplatform.ci.deploy.app.AppName;
import com.dataplatform.ci.deploy.assembly.Assembler;
import com.dataplatform.ci.deploy.assembly.VersionPaths;
import com.dataplatform.ci.deploy.bundle.AppDescriptor;
import com.dataplatform.ci.deploy.bundle.DescriptorParser;
import com.dataplatform.ci.deploy.isolation.VersionRoles;
import com.dataplatform.common.web.ApiException;
import java.io.IOException;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * {@code POST /api/apps/{name}/rollback}: the newest retired version older than the live one whose schema is still
 * kept becomes live again — its tables through the same one-transaction view swap, then its process (scheduled apps)
 * with a fresh password, while the replaced version drains and loses its login.
 */
public class Rollback {

    private final JdbcClient jdbc;
    private final VersionStore store;
    private final Cutover cutover;
    private final LiveProcesses live;
    private final VersionRoles roles;
    private final RunEnvironment env;
    private final DeployProperties props;

    public Rollback(JdbcClient jdbc, VersionStore store, Cutover cutover, LiveProcesses live, VersionRoles roles,
            RunEnvironment env, DeployProperties props) {
        this.jdbc = jdbc;
        this.store = store;
        this.cutover = cutover;
        this.live = live;
        this.roles = roles;
        this.env = env;
        this.props = props;
    }

    public Cutover.Result rollback(String app) {
        Integer current = jdbc.sql("select version from app_version where app = :a and status = 'LIVE'")
                .param("a", app).query(Integer.class).optional()
                .orElseThrow(() -> ApiException.conflict("name", "app " + app + " has no live version"));
        VersionRow target = jdbc.sql("""
                select version from app_version
                where app = :a and status = 'RETIRED' and schema_dropped_at is null and version < :v
                order by version desc limit 1""").param("a", app).param("v", current).query(Integer.class)
                .optional().flatMap(v -> store.find(app, v))
                .orElseThrow(() -> ApiException.conflict("name", "no kept version older than v" + current
                        + " to roll back to"));
        AppDescriptor d = DescriptorParser.parse(target.descriptor(), new AppName(app), target.org());
        VersionPaths paths = VersionPaths.of(props.workDir(), app, target.version());
        try {
            if (d.every().isPresent()) {
                Assembler.verify(paths, target.contentHash());
            }
            Cutover.Result result = cutover.rollBackTo(target, d.writes());
            live.stop(app, current, props.drainTimeout());
            store.find(app, current).ifPresent(c -> roles.disable(c.roleName()));
            if (d.every().isPresent()) {
                String password = roles.enable(target.roleName());
                VersionRow fresh = store.find(app, target.version()).orElseThrow();
                live.start(fresh, paths, env.spec(fresh, d, paths, password), d.every().get());
            }
            return result;
        } catch (StageFailure | IOException e) {
            throw ApiException.conflict("name", "rollback to v" + target.version() + " failed: " + e.getMessage());
        }
    }
}
