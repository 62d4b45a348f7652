package com.dataplatform.common.topics;

import static com.dataplatform.common.topics.SuiteService.ANALYTICS_EMBED;
import static com.dataplatform.common.topics.SuiteService.BULK_EXTRACT;
import static com.dataplatform.common.topics.SuiteService.CALENDAR_SYNC;
import static com.dataplatform.common.topics.SuiteService.CI_DEPLOY;
import static com.dataplatform.common.topics.SuiteService.DATAFLOW_SCHEDULER;
import static com.dataplatform.common.topics.SuiteService.STREAM_DISTRIBUTOR;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** The one place that names every topic of the suite. The owner creates it at startup. */
public final class TopicCatalog {

    private static final Duration WEEK = Duration.ofDays(7);

    public static final Topic DATAFLOW_COMMANDS = new Topic("dataflow.commands", DATAFLOW_SCHEDULER,
            "dataflow id", List.of("RunRequested"), Set.of(DATAFLOW_SCHEDULER), 3, WEEK,
            "Requests to run a dataflow, from any producer.");
    public static final Topic DATAFLOW_RUNS = new Topic("dataflow.runs", DATAFLOW_SCHEDULER, "run id",
            List.of("RunQueued", "RunStarted", "RunSucceeded", "RunFailed", "RunCancelled"), Set.of(), 3, WEEK,
            "Life cycle of every dataflow run.");
    public static final Topic DATASETS_CHANGES = new Topic("datasets.changes", DATAFLOW_SCHEDULER,
            "<org>.<dataset>", List.of("DatasetUpdated"), Set.of(ANALYTICS_EMBED), 3, WEEK,
            "Every successful write of a lake dataset (upload or run), with its new version and row count.");
    public static final Topic STREAMS_OWNERSHIP = new Topic("streams.ownership", STREAM_DISTRIBUTOR, "stream id",
            List.of("StreamAssigned", "StreamReleased"), Set.of(), 3, WEEK,
            "Which node owns which stream, under which fencing epoch.");
    public static final Topic EXTRACT_RECORDS = new Topic("extract.records", BULK_EXTRACT, "<entity>:<id>",
            List.of("RecordExtracted"), Set.of(STREAM_DISTRIBUTOR), 6, WEEK,
            "Snapshot and change records of extraction jobs; ce_subject is the job id.");
    public static final Topic EXTRACT_JOBS = new Topic("extract.jobs", BULK_EXTRACT, "job id",
            List.of("ExtractionStarted", "SnapshotCompleted", "ExtractionFailed", "ExtractionCancelled"), Set.of(),
            3, WEEK, "Life cycle of extraction jobs.");
    public static final Topic CALENDAR_INBOUND = new Topic("calendar.inbound", CALENDAR_SYNC, "system id",
            List.of("CalendarEventReceived"), Set.of(CALENDAR_SYNC), 3, WEEK,
            "Calendar events pushed in their own system's schema.");
    public static final Topic CALENDAR_EVENTS = new Topic("calendar.events", CALENDAR_SYNC, "unified event id",
            List.of("EventUpserted", "EventCancelled", "EventsMerged"), Set.of(), 3, WEEK,
            "Unified calendar events after cleansing and dedupe.");
    public static final Topic EMBED_VIEWS = new Topic("embed.views", ANALYTICS_EMBED, "page id",
            List.of("EmbedViewed"), Set.of(), 3, WEEK, "Every render of an embed area.");
    public static final Topic DEPLOY_EVENTS = new Topic("deploy.events", CI_DEPLOY, "app name",
            List.of("VersionAssembled", "CandidateDeployed", "TestsPassed", "TestsFailed", "VersionFailed",
                    "VersionPromoted", "RolledBack"),
            Set.of(DATAFLOW_SCHEDULER), 3, WEEK, "Pipeline stages of data-lake app versions.");

    private static final List<Topic> ALL = List.of(DATAFLOW_COMMANDS, DATAFLOW_RUNS, DATASETS_CHANGES,
            STREAMS_OWNERSHIP, EXTRACT_RECORDS, EXTRACT_JOBS, CALENDAR_INBOUND, CALENDAR_EVENTS, EMBED_VIEWS,
            DEPLOY_EVENTS);

    private TopicCatalog() {
    }

    public static List<Topic> all() {
        return ALL;
    }

    public static Optional<Topic> byName(String name) {
        return ALL.stream().filter(t -> t.name().equals(name)).findFirst();
    }

    public static List<Topic> ownedBy(SuiteService service) {
        return ALL.stream().filter(t -> t.owner() == service).toList();
    }

    public static List<Topic> consumedBy(SuiteService service) {
        return ALL.stream().filter(t -> t.consumers().contains(service)).toList();
    }
}
