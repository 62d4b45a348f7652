package com.dataplatform.stream.distributor.node;

import com.dataplatform.common.security.SuitePrincipal;
import com.dataplatform.common.web.ApiException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.json.JsonMapper;

/** {@code GET /api/nodes}: live nodes, their owned stream counts and dependency states (ops or admin role). */
@RestController
class NodeController {

    private final DistributorNode node;
    private final JsonMapper json;

    NodeController(DistributorNode node, JsonMapper json) {
        this.node = node;
        this.json = json;
    }

    @GetMapping("/api/nodes")
    List<Map<String, Object>> nodes(SuitePrincipal principal) {
        if (!principal.hasRole("ops") && !principal.hasRole("admin")) {
            throw new ApiException(HttpStatus.FORBIDDEN, "Forbidden", "listing nodes needs the ops or admin role",
                    null);
        }
        return node.registry().live().stream().map(n -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", n.id());
            m.put("healthy", n.healthy());
            m.put("ownedStreams", n.ownedStreams());
            m.put("startedAt", n.startedAt());
            m.put("heartbeatAt", n.heartbeatAt());
            m.put("dependencies", json.readTree(n.dependencies()));
            return m;
        }).toList();
    }
}
