package com.dataplatform.calendar.sync.caldav;

import com.dataplatform.calendar.sync.system.SystemStore;
import com.dataplatform.common.security.SuitePrincipal;
import com.dataplatform.common.web.ApiException;
import java.util.UUID;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
class SyncController {

    private final SystemStore systems;
    private final CalDavSync sync;

    SyncController(SystemStore systems, CalDavSync sync) {
        this.systems = systems;
        this.sync = sync;
    }

    /** CalDAV pull: incremental by sync-token, full when the server rejects the token. */
    @PostMapping("/api/systems/{id}/sync")
    CalDavSync.Report sync(@PathVariable UUID id, SuitePrincipal principal) {
        try {
            return sync.sync(systems.get(principal.org(), id));
        } catch (CalDavClient.CalDavException e) {
            throw ApiException.unprocessable("baseUrl", e.getMessage());
        }
    }
}
