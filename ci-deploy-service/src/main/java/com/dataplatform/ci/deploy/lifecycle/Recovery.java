package com.dataplatform.ci.deploy.lifecycle;

import com.dataplatform.ci.deploy.DeployProperties;
import com.dataplatform.ci.deploy.app.AppName;
import com.dataplatform.ci.deploy.assembly.VersionPaths;
import com.dataplatform.ci.deploy.bundle.AppDescriptor;
import com.dataplatform.ci.deploy.bundle.DescriptorParser;
import com.dataplatform.ci.deploy.isolation.VersionRoles;
import com.dataplatform.ci.deploy.runtime.AppRuntime;
import java.nio.file.Files;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;

/**
 * On startup, takes over what an earlier instance left: a version in TESTING is resumed (its tables are complete,
 * the tests are re-run, then it is promoted or failed); a version in ASSEMBLING, DEPLOYING or RUNNING is failed with
 * "service restarted during <stage>" (and VersionFailed) after its left-over processes are killed (by recorded pid
 * and start time, and by the workspace marker) and its role's login is taken away; live scheduled apps get their
 * process back with a fresh password. One active instance per database is assumed (see README).
 */
public class Recovery implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(Recovery.class);

    private final VersionStore store;
    private final Pipeline pipeline;
    private final AppRuntime runtime;
    private final VersionRoles roles;
    private final LiveProcesses live;
    private final RunEnvironment env;
    private final DeployProperties props;

    public Recovery(VersionStore store, Pipeline pipeline, AppRuntime runtime, VersionRoles roles, LiveProcesses live,
            RunEnvironment env, DeployProperties props) {
        this.store = store;
        this.pipeline = pipeline;
        this.runtime = runtime;
        this.roles = roles;
        this.live = live;
        this.env = env;
        this.props = props;
    }

    @Override
    public void run(ApplicationArguments args) {
        recover();
    }

    public void recover() {
        for (VersionRow row : store.withStatus(VersionStatus.ASSEMBLING, VersionStatus.DEPLOYING,
                VersionStatus.RUNNING, VersionStatus.TESTING)) {
            if (row.instance().equals(store.instance())) {
                continue;
            }
            killLeftover(row);
            VersionPaths paths = VersionPaths.of(props.workDir(), row.app(), row.version());
            if (row.status() == VersionStatus.TESTING && Files.isDirectory(paths.workspace())) {
                store.adopt(row);
                log.info("{} v{}: resuming TESTING after a restart", row.app(), row.version());
                pipeline.resumeTesting(row.app(), row.version());
            } else {
                pipeline.fail(row, row.status().name(), "service restarted during " + row.status()
                        + "; the stage was abandoned", null, null);
            }
        }
        for (VersionRow row : store.withStatus(VersionStatus.LIVE)) {
            killLeftover(row);
            try {
                AppDescriptor d = DescriptorParser.parse(row.descriptor(), new AppName(row.app()), row.org());
                if (d.every().isPresent()) {
                    VersionPaths paths = VersionPaths.of(props.workDir(), row.app(), row.version());
                    String password = roles.enable(row.roleName());
                    live.start(row, paths, env.spec(row, d, paths, password), d.every().get());
                }
            } catch (RuntimeException e) {
                log.warn("{} v{}: live process not resumed: {}", row.app(), row.version(), e.toString());
            }
        }
    }

    /**
     * A SIGKILLed service leaves its children running (they are re-parented, their output still goes to the log
     * file). They are killed, not adopted: this instance cannot learn their exit code, and the state machine
     * decides what happens to the version. First by the recorded pid and start time, then by the workspace marker
     * every run and build carries, which also finds a process whose pid was never recorded.
     */
    private void killLeftover(VersionRow row) {
        if (row.pid() != null && runtime.killOrphan(row.pid(),
                row.pidStartedAt() == null ? null : row.pidStartedAt().toInstant())) {
            log.info("{} v{}: killed the process (pid {}) an earlier instance left running", row.app(),
                    row.version(), row.pid());
        }
        int more = runtime.killLeftovers(VersionPaths.of(props.workDir(), row.app(), row.version()).workspace());
        if (more > 0) {
            log.info("{} v{}: killed {} more process(es) an earlier instance left in its workspace", row.app(),
                    row.version(), more);
        }
    }
}
