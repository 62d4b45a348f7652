package com.dataplatform.ci.deploy.lifecycle;

import com.dataplatform.ci.deploy.DeployProperties;
import com.dataplatform.ci.deploy.app.AppName;
import com.dataplatform.ci.deploy.assembly.Assembler;
import com.dataplatform.ci.deploy.assembly.LogTail;
import com.dataplatform.ci.deploy.assembly.VersionPaths;
import com.dataplatform.ci.deploy.bundle.AppDescriptor;
import com.dataplatform.ci.deploy.bundle.DescriptorParser;
import com.dataplatform.ci.deploy.isolation.VersionRoles;
import com.dataplatform.ci.deploy.runtime.AppRuntime;
import com.dataplatform.ci.deploy.runtime.RunningApp;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.json.JsonMapper;

/**
 * Drives a version through ASSEMBLING → DEPLOYING → RUNNING → TESTING → LIVE (or FAILED). Each transition is
 * persisted before the next stage starts; a failure records the stage and reason, stops the candidate, takes its
 * role's login away and keeps its schema for the TTL. On shutdown the pipelines are interrupted and leave their state
 * as it is: {@link Recovery} on the next start resumes TESTING and fails the other stages cleanly.
 */
public class Pipeline {

    private static final Logger log = LoggerFactory.getLogger(Pipeline.class);

    private final VersionStore store;
    private final Assembler assembler;
    private final VersionRoles roles;
    private final AppRuntime runtime;
    private final IntegrationTests tests;
    private final Cutover cutover;
    private final LiveProcesses live;
    private final RunEnvironment env;
    private final Inputs inputs;
    private final Retention retention;
    private final DeployProperties props;
    private final JdbcClient jdbc;
    private final JsonMapper json;
    private final ExecutorService executor;
    private final StageMetrics stageMetrics;
    private volatile boolean shuttingDown;

    public Pipeline(VersionStore store, Assembler assembler, VersionRoles roles, AppRuntime runtime,
            IntegrationTests tests, Cutover cutover, LiveProcesses live, RunEnvironment env, Inputs inputs,
            Retention retention, DeployProperties props, JdbcClient jdbc, JsonMapper json, StageMetrics stageMetrics) {
        this.store = store;
        this.stageMetrics = stageMetrics;
        this.assembler = assembler;
        this.roles = roles;
        this.runtime = runtime;
        this.tests = tests;
        this.cutover = cutover;
        this.live = live;
        this.env = env;
        this.inputs = inputs;
        this.retention = retention;
        this.props = props;
        this.jdbc = jdbc;
        this.json = json;
        this.executor = Executors.newFixedThreadPool(props.pipelineThreads(), r -> {
            Thread t = new Thread(r, "ci-deploy-pipeline");
            t.setDaemon(true);
            return t;
        });
    }

    public void submit(String app, int version) {
        executor.execute(() -> execute(app, version, false));
    }

    /** Re-runs the tests of a version found in TESTING after a restart, then promotes or fails it. */
    public void resumeTesting(String app, int version) {
        executor.execute(() -> execute(app, version, true));
    }

    private void execute(String app, int version, boolean resume) {
        VersionRow row = store.find(app, version).orElseThrow();
        VersionPaths paths = VersionPaths.of(props.workDir(), app, version);
        String stage = row.status().name();
        String password = null;
        long since = System.nanoTime();
        try {
            AppDescriptor d = DescriptorParser.parse(row.descriptor(), new AppName(app), row.org());
            if (!resume) {
                String hash = assembler.assemble(app + "-v" + version, paths, d);
                checkRunning();
                store.contentHash(row, hash);
                row = store.find(app, version).orElseThrow();
                if (!store.advance(row, VersionStatus.ASSEMBLING, VersionStatus.DEPLOYING, "VersionAssembled",
                        event(row, "contentHash", hash))) {
                    return;
                }
                since = stageMetrics.ok(stage, since);
                stage = "DEPLOYING";
                checkRunning();
                String problem = inputs.problem(d, row.org());
                if (problem != null) {
                    throw new StageFailure(problem);
                }
                password = roles.create(row.roleName(), row.schemaName(), d);
                Map<String, Object> deployed = event(row, "schema", row.schemaName());
                deployed.put("runtime", runtime.kind());
                if (!store.advance(row, VersionStatus.DEPLOYING, VersionStatus.RUNNING, "CandidateDeployed",
                        deployed)) {
                    return;
                }
                since = stageMetrics.ok(stage, since);
                stage = "RUNNING";
                runOnce(row, d, paths, password);
                checkRunning();
                if (!store.advance(row, VersionStatus.RUNNING, VersionStatus.TESTING, null, null)) {
                    return;
                }
                since = stageMetrics.ok(stage, since);
                stage = "TESTING";
            }
            List<TestResult> results = tests.run(row.schemaName(), row.roleName(), d.tests());
            checkRunning();
            store.recordTests(row, json.writeValueAsString(results));
            TestResult failed = results.stream().filter(r -> !r.passed()).findFirst().orElse(null);
            if (failed != null) {
                Map<String, Object> ev = event(row, "tests", results);
                stageMetrics.failed(stage, since);
                fail(row, stage, "test '" + failed.name() + "' failed: " + failed.detail(), "TestsFailed", ev);
                return;
            }
            store.passed(row, event(row, "tests", results));
            since = stageMetrics.ok(stage, since);
            stage = "PROMOTING";
            Cutover.Result result = cutover.promote(row, d.writes());
            log.info("{} v{} is live (cutover {} ms, {} attempt(s))", app, version, result.millis(),
                    result.attempts());
            stageMetrics.ok(stage, since);
            afterCutover(row, d, paths, password, result.previous());
        } catch (StageFailure f) {
            stageMetrics.failed(stage, since);
            fail(row, stage, f.getMessage(), null, null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            log.info("{} v{}: pipeline interrupted in {} (shutdown); recovery takes it over", app, version, stage);
        } catch (Exception e) {
            if (shuttingDown) {
                log.info("{} v{}: pipeline stopped in {} by shutdown: {}", app, version, stage, e.toString());
                return;
            }
            log.warn("{} v{}: {} failed", app, version, stage, e);
            stageMetrics.failed(stage, since);
            fail(row, stage, "internal error: " + e, null, null);
        }
    }

    /** Between stages: a shutting-down service leaves the version where it is for recovery. */
    private void checkRunning() throws InterruptedException {
        if (shuttingDown || Thread.currentThread().isInterrupted()) {
            throw new InterruptedException("service shutting down");
        }
    }

    private void runOnce(VersionRow row, AppDescriptor d, VersionPaths paths, String password)
            throws Exception {
        Assembler.verify(paths, row.contentHash());
        RunningApp run = runtime.start(env.spec(row, d, paths, password));
        store.recordPid(row, run.pid(), run.startedAt());
        RunningApp.Outcome outcome = run.await();
        if (outcome.timedOut()) {
            throw new StageFailure("run timed out after " + d.timeout().toSeconds() + " s: "
                    + LogTail.of(paths.runLog(), 600));
        }
        if (outcome.exitCode() != 0) {
            throw new StageFailure("run exited with code " + outcome.exitCode() + ": "
                    + LogTail.of(paths.runLog(), 800));
        }
        List<String> missing = d.writes().stream().filter(t -> !tableExists(row.schemaName(), t)).toList();
        if (!missing.isEmpty()) {
            throw new StageFailure("the run did not create its declared table(s) " + missing);
        }
    }

    /** The new live version takes over the process; the old one drains and loses its login. */
    void afterCutover(VersionRow row, AppDescriptor d, VersionPaths paths, String password, Integer previous)
            throws Exception {
        if (previous != null) {
            live.stop(row.app(), previous, props.drainTimeout());
            store.find(row.app(), previous).ifPresent(p -> roles.disable(p.roleName()));
        }
        if (d.every().isPresent()) {
            String pw = password != null ? password : roles.enable(row.roleName());
            VersionRow fresh = store.find(row.app(), row.version()).orElseThrow();
            live.start(fresh, paths, env.spec(fresh, d, paths, pw), d.every().get());
        } else {
            roles.disable(row.roleName());
        }
        retention.enforce(row.app());
    }

    private boolean tableExists(String schema, String table) {
        return jdbc.sql("""
                select exists (select 1 from pg_class c join pg_namespace n on n.oid = c.relnamespace
                               where n.nspname = :s and c.relname = :t and c.relkind in ('r', 'p'))""")
                .param("s", schema).param("t", table).query(Boolean.class).single();
    }

    /**
     * Fails an in-flight version at {@code stage}. A failure with its own event (TestsFailed) announces that; any
     * other (assembly, build, run exit or timeout, missing tables, promotion, restart recovery, internal error)
     * announces {@code VersionFailed {app, version, stage, reason}} in the same transaction.
     */
    void fail(VersionRow row, String stage, String reason, String eventType, Object event) {
        if (eventType == null) {
            Map<String, Object> failed = event(row, "stage", stage);
            failed.put("reason", VersionStore.truncate(reason, 4000));
            eventType = "VersionFailed";
            event = failed;
        }
        try {
            if (store.fail(row, stage, reason, props.failedSchemaTtl(), eventType, event)) {
                log.info("{} v{} failed in {}: {}", row.app(), row.version(), stage, reason);
            }
            VersionRow now = store.find(row.app(), row.version()).orElse(row);
            if (now.pid() != null) {
                runtime.killOrphan(now.pid(), now.pidStartedAt() == null ? null : now.pidStartedAt().toInstant());
            }
            roles.disable(row.roleName());
        } catch (RuntimeException e) {
            log.warn("{} v{}: could not record failure: {}", row.app(), row.version(), e.toString());
        }
    }

    static Map<String, Object> event(VersionRow row, String key, Object value) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("app", row.app());
        e.put("version", row.version());
        e.put(key, value);
        return e;
    }

    /** Interrupts running pipelines without recording anything: a restart recovers them. */
    public void shutdown() {
        shuttingDown = true;
        executor.shutdownNow();
        try {
            executor.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
