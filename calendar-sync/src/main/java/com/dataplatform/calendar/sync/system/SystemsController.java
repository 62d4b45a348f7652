package com.dataplatform.calendar.sync.system;

import com.dataplatform.common.security.OutboundUrlGuard;
import com.dataplatform.common.security.SuitePrincipal;
import com.dataplatform.common.web.ApiException;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/systems")
class SystemsController {

    record CreateSystem(
            @NotNull @Pattern(regexp = "caldav|google|graph", message = "must be caldav, google or graph") String type,
            @NotBlank @Size(max = 100) String name,
            boolean master,
            @Size(max = 2000) String baseUrl,
            @Size(max = 200) String username,
            @Size(max = 500) String password,
            @Size(max = 64) String timeZone) {
    }

    record SystemView(UUID id, String type, String name, boolean master, String baseUrl, String timeZone) {
        static SystemView of(CalendarSystem s) {
            return new SystemView(s.id(), s.type().wire(), s.name(), s.master(), s.baseUrl(), s.timeZone().getId());
        }
    }

    private final SystemStore systems;
    private final OutboundUrlGuard guard;
    private final Credentials credentials;
    private final ZoneId defaultZone;

    SystemsController(SystemStore systems, OutboundUrlGuard guard, Credentials credentials,
            @Value("${calendar.default-time-zone:UTC}") String defaultZone) {
        this.systems = systems;
        this.guard = guard;
        this.credentials = credentials;
        this.defaultZone = ZoneId.of(defaultZone);
    }

    @PostMapping
    @ResponseStatus(HttpStatus.CREATED)
    SystemView create(@Valid @RequestBody CreateSystem request, SuitePrincipal principal) {
        CalendarSystem.Type type = CalendarSystem.Type.valueOf(request.type().toUpperCase(Locale.ROOT));
        if (type == CalendarSystem.Type.CALDAV) {
            if (request.baseUrl() == null || request.baseUrl().isBlank()) {
                throw ApiException.invalid("baseUrl", "a caldav system needs baseUrl");
            }
            OutboundUrlGuard.Decision decision = guard.check(request.baseUrl());
            if (!decision.allowed()) {
                throw ApiException.invalid("baseUrl", decision.reason());
            }
        } else if (request.baseUrl() != null) {
            throw ApiException.invalid("baseUrl", "only caldav systems have a baseUrl; " + request.type()
                    + " events are pushed to POST /api/systems/{id}/events");
        }
        if (request.password() != null) {
            if (type != CalendarSystem.Type.CALDAV) {
                throw ApiException.invalid("password", "only caldav systems are called with credentials");
            }
            if (!credentials.configured()) {
                throw ApiException.invalid("password", "this deployment has no calendar.credentials-key to encrypt it");
            }
        }
        ZoneId zone;
        try {
            zone = request.timeZone() == null ? defaultZone : ZoneId.of(request.timeZone());
        } catch (DateTimeException e) {
            throw ApiException.invalid("timeZone", "not an IANA time zone: " + request.timeZone());
        }
        return SystemView.of(systems.create(new CalendarSystem(UUID.randomUUID(), principal.org(), type,
                request.name().strip(), request.master(), request.baseUrl(), request.username(), zone),
                request.password()));
    }

    @GetMapping
    List<SystemView> list(SuitePrincipal principal) {
        return systems.list(principal.org()).stream().map(SystemView::of).toList();
    }

    @GetMapping("/{id}")
    SystemView get(@PathVariable UUID id, SuitePrincipal principal) {
        return SystemView.of(systems.get(principal.org(), id));
    }
}
