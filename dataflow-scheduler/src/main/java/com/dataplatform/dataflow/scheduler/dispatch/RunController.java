package com.dataplatform.dataflow.scheduler.dispatch;

import com.dataplatform.common.security.SuitePrincipal;
import com.dataplatform.common.web.ApiException;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

@RestController
class RunController {

    private final RunQueue queue;
    private final RunReader reader;
    private final JdbcClient jdbc;
    private final Runnable wakeUp;

    RunController(RunQueue queue, RunReader reader, JdbcClient jdbc,
            org.springframework.beans.factory.ObjectProvider<DispatchLoop> loop) {
        this.queue = queue;
        this.reader = reader;
        this.jdbc = jdbc;
        this.wakeUp = () -> loop.ifAvailable(DispatchLoop::wakeUp);
    }

    record Accepted(UUID id, RunStatus status, int dataflowVersion) {
    }

    @PostMapping("/api/dataflows/{id}/runs")
    ResponseEntity<Accepted> enqueue(SuitePrincipal principal, @PathVariable String id,
            @RequestHeader(name = "Idempotency-Key", required = false) String key) {
        RunQueue.Enqueued e = queue.enqueue(principal.org(), uuid("dataflow", id), key);
        wakeUp.run();
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(new Accepted(e.id(), e.status(), e.dataflowVersion()));
    }

    @GetMapping("/api/runs/{id}")
    RunView get(SuitePrincipal principal, @PathVariable String id) {
        return reader.find(principal.org(), uuid("run", id)).orElseThrow(() -> ApiException.notFound("run", id));
    }

    @GetMapping("/api/runs")
    List<RunView> list(SuitePrincipal principal, @RequestParam(required = false) String status,
            @RequestParam(required = false) String dataflowId, @RequestParam(defaultValue = "100") int limit) {
        RunStatus s = null;
        if (status != null) {
            try {
                s = RunStatus.valueOf(status.toUpperCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw ApiException.invalid("status", "status must be one of QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED");
            }
        }
        UUID df = null;
        if (dataflowId != null) {
            try {
                df = UUID.fromString(dataflowId);
            } catch (IllegalArgumentException e) {
                throw ApiException.invalid("dataflowId", "dataflowId must be a UUID");
            }
        }
        if (limit < 1 || limit > 1000) {
            throw ApiException.invalid("limit", "limit must be between 1 and 1000");
        }
        return reader.list(principal.org(), s, df, limit);
    }

    @PostMapping("/api/runs/{id}/cancel")
    RunView cancel(SuitePrincipal principal, @PathVariable String id) {
        UUID runId = uuid("run", id);
        queue.cancel(principal.org(), runId);
        wakeUp.run();
        return reader.find(principal.org(), runId).orElseThrow();
    }

    @GetMapping("/api/locks")
    List<RunReader.HeldLock> locks(SuitePrincipal principal) {
        return reader.locks(principal.org());
    }

    record Limit(String type, int maxRunning) {
    }

    @PutMapping("/api/limits/{type}")
    Limit putLimit(SuitePrincipal principal, @PathVariable String type, @RequestBody JsonNode body) {
        if (!type.matches("[a-z][a-z0-9_-]{0,62}")) {
            throw ApiException.invalid("type", "type must match [a-z][a-z0-9_-]{0,62}");
        }
        JsonNode max = body.path("maxRunning");
        if (!max.isInt() || max.asInt() < 0 || max.asInt() > 10_000) {
            throw ApiException.invalid("maxRunning", "maxRunning must be an integer between 0 and 10000");
        }
        jdbc.sql("""
                insert into type_limit (org, type, max_running) values (:org, :type, :max)
                on conflict (org, type) do update set max_running = excluded.max_running""")
                .param("org", principal.org()).param("type", type).param("max", max.asInt()).update();
        wakeUp.run();
        return new Limit(type, max.asInt());
    }

    @GetMapping("/api/limits")
    Map<String, Object> limits(SuitePrincipal principal) {
        List<Limit> limits = jdbc.sql("select type, max_running from type_limit where org = :org order by type")
                .param("org", principal.org()).query((rs, i) -> new Limit(rs.getString(1), rs.getInt(2))).list();
        return Map.of("defaultMaxRunning", reader.defaultTypeLimit(), "limits", limits);
    }

    private static UUID uuid(String what, String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw ApiException.notFound(what, id);
        }
    }
}
