package com.dataplatform.dataflow.scheduler.dispatch;

import com.dataplatform.dataflow.scheduler.outbox.Outbox;
import com.dataplatform.testsupport.SuiteInfrastructure;
import java.time.Duration;
import java.util.Arrays;
import java.util.UUID;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/** A context without its own dispatcher loop: tests drive {@link Dispatcher} instances themselves. */
@SpringBootTest(properties = {"dataflow.dispatcher-enabled=false", "dataflow.lease=2s"})
@SuiteInfrastructure
abstract class DispatchTestBase {

    @Autowired
    JdbcClient jdbc;
    @Autowired
    TransactionTemplate tx;
    @Autowired
    Outbox outbox;
    @Autowired
    RunQueue queue;
    @Autowired
    RunFinisher finisher;

    static String newOrg() {
        return "t" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    Dispatcher dispatcher(String name, Duration lease, int batch, int globalLimit) {
        return new Dispatcher(jdbc, name, lease, batch, globalLimit, 16);
    }

    /** A dataflow with arbitrary read/write sets (the fixture bypasses validation: no real tables are needed). */
    UUID dataflow(String org, String type, String[] reads, String[] writes) {
        UUID id = UUID.randomUUID();
        jdbc.sql("insert into dataflow (id, org, name, type, current_version) values (:id, :org, :name, :type, 1)")
                .param("id", id).param("org", org).param("name", "f" + id.toString().substring(0, 8))
                .param("type", type).update();
        jdbc.sql("""
                insert into dataflow_version (dataflow_id, version, type, definition, reads, writes)
                values (:id, 1, :type, '[]', :reads, :writes)""")
                .param("id", id).param("type", type).param("reads", reads).param("writes", writes).update();
        return id;
    }

    void limit(String org, String type, int max) {
        jdbc.sql("insert into type_limit (org, type, max_running) values (:o, :t, :m)")
                .param("o", org).param("t", type).param("m", max).update();
    }

    boolean finish(ClaimedRun r) {
        return Boolean.TRUE.equals(tx.execute(s -> finisher.finish(r.id(), r.fencingToken(), RunStatus.SUCCEEDED, null)));
    }

    String status(UUID run) {
        return jdbc.sql("select status from run where id = :id").param("id", run).query(String.class).single();
    }

    static String[] arr(String... s) {
        return Arrays.copyOf(s, s.length);
    }
}
