package com.dataplatform.dataflow.scheduler.execution;

import com.dataplatform.dataflow.scheduler.dataset.LakeWriter;
import com.dataplatform.dataflow.scheduler.definition.DataflowDefinition;
import com.dataplatform.dataflow.scheduler.definition.DataflowVersion;
import com.dataplatform.dataflow.scheduler.definition.DefinitionParser;
import com.dataplatform.dataflow.scheduler.deploy.SourceRelations;
import com.dataplatform.dataflow.scheduler.dispatch.ClaimedRun;
import com.dataplatform.dataflow.scheduler.dispatch.RunFinisher;
import com.dataplatform.dataflow.scheduler.dispatch.RunStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Executes a claimed run: every register's rows go into a fresh table; then, in the same transaction, the lease is
 * checked (token, status, expiry on the database clock, row locked), the tables are swapped in with their version
 * bumps, and the run is finished. A zombie — whose lease expired or was cancelled — fails the check and its whole
 * transaction, fresh tables included, rolls back. A database error fails the run with that error; the previous
 * dataset versions stay as they were.
 */
public class RunExecutor {

    private static final Logger log = LoggerFactory.getLogger(RunExecutor.class);

    /** How an execution ended. */
    public enum Outcome { SUCCEEDED, FAILED, LEASE_LOST }

    static final class LeaseLostException extends RuntimeException {
        LeaseLostException(String message) {
            super(message);
        }
    }

    private final JdbcClient jdbc;
    private final JdbcTemplate jdbcTemplate;
    private final TransactionTemplate tx;
    private final LakeWriter writer;
    private final RunFinisher finisher;
    private final Function<ClaimedRun, DataflowVersion> versions;
    private final JsonMapper json;
    private final SourceRelations relations;

    public RunExecutor(JdbcClient jdbc, JdbcTemplate jdbcTemplate, TransactionTemplate tx, LakeWriter writer,
            RunFinisher finisher, Function<ClaimedRun, DataflowVersion> versions, JsonMapper json) {
        this.jdbc = jdbc;
        this.jdbcTemplate = jdbcTemplate;
        this.tx = tx;
        this.writer = writer;
        this.finisher = finisher;
        this.versions = versions;
        this.json = json;
        this.relations = new SourceRelations(jdbc);
    }

    public Outcome execute(ClaimedRun run) {
        try {
            tx.executeWithoutResult(s -> {
                DataflowVersion v = versions.apply(run);
                ObjectNode body = json.createObjectNode();
                body.put("name", v.name());
                body.put("type", v.type());
                body.set("nodes", v.nodes());
                DataflowDefinition d = DefinitionParser.parse(body);
                writer.ensureSchema(run.org());
                List<String[]> swaps = new ArrayList<>();
                for (PlanCompiler.Statement st : PlanCompiler.compile(d, relations.forOrg(run.org()))) {
                    String fresh = LakeWriter.freshName();
                    jdbcTemplate.update("create table " + LakeWriter.qualified(run.org(), fresh) + " as " + st.sql(),
                            st.params().toArray());
                    swaps.add(new String[] {st.dataset(), fresh});
                }
                checkLease(run);
                for (String[] swap : swaps) {
                    writer.swapIn(run.org(), swap[0], swap[1]);
                }
                if (!finisher.finish(run.id(), run.fencingToken(), RunStatus.SUCCEEDED, null)) {
                    throw new LeaseLostException("run " + run.id() + " could not be finished under its lease");
                }
            });
            return Outcome.SUCCEEDED;
        } catch (LeaseLostException e) {
            log.warn("run {}: {}", run.id(), e.getMessage());
            return Outcome.LEASE_LOST;
        } catch (DataAccessException | IllegalArgumentException | IllegalStateException e) {
            String error = rootMessage(e);
            Boolean failed = tx.execute(s -> finisher.finish(run.id(), run.fencingToken(), RunStatus.FAILED, error));
            return Boolean.TRUE.equals(failed) ? Outcome.FAILED : Outcome.LEASE_LOST;
        }
    }

    /**
     * Locks the run row and checks that this worker still holds the lease, on the database clock. FOR NO KEY UPDATE:
     * it blocks the run's finish, cancel and expiry like FOR UPDATE, but not an enqueue's foreign-key check on it (V14).
     */
    private void checkLease(ClaimedRun run) {
        boolean held = jdbc.sql("""
                select id from run where id = :id and fencing_token = :token and status = 'RUNNING'
                and lease_until > clock_timestamp() for no key update""")
                .param("id", run.id()).param("token", run.fencingToken()).query(java.util.UUID.class).optional()
                .isPresent();
        if (!held) {
            throw new LeaseLostException("lease of run " + run.id() + " (token " + run.fencingToken()
                    + ") is no longer held; register rejected");
        }
    }

    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }
}
