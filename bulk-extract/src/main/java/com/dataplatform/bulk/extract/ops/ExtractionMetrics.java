package com.dataplatform.bulk.extract.ops;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Gauges read from the database on scrape: the largest extraction lag (feed versions behind the head), active jobs,
 * and captured changes not yet relayed. Counters of rows sent (by phase) and chunks live with the code that sends.
 */
@Component
class ExtractionMetrics {

    ExtractionMetrics(MeterRegistry meters, JdbcClient jdbc) {
        Gauge.builder("bulk_extract.extraction.lag", () -> jdbc.sql("""
                select coalesce(max((select head from relay_state)
                                    - case when status = 'STREAMING' then position else watermark end), 0)
                from extraction_job where status in ('WATERMARKED', 'SNAPSHOTTING', 'STREAMING')""")
                .query(Long.class).single()).description("feed versions the furthest-behind active job has to catch up")
                .register(meters);
        Gauge.builder("bulk_extract.extraction.active", () -> jdbc.sql("""
                select count(*) from extraction_job where status in ('WATERMARKED', 'SNAPSHOTTING', 'STREAMING')""")
                .query(Long.class).single()).register(meters);
        Gauge.builder("bulk_extract.feed.pending", () -> jdbc.sql("select count(*) from change_staging")
                .query(Long.class).single()).description("captured changes not yet relayed").register(meters);
    }
}
