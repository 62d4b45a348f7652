package com.dataplatform.bulk.extract.feed;

import com.dataplatform.bulk.extract.ExtractProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Deletes relayed changes older than the retention that no active job of their org still needs. A job reads only
 * its own org's changes: a snapshotting one those after its watermark (a resumed chunk checks them, the stream starts
 * there), a streaming one those after its acknowledged position. So an idle or slow job pins its own org's feed, never
 * another org's. Deletes in bounded batches, oldest first.
 */
@Component
class FeedPruner {

    private static final Logger log = LoggerFactory.getLogger(FeedPruner.class);
    static final int BATCH = 10_000;

    private final JdbcClient jdbc;
    private final ExtractProperties props;

    FeedPruner(JdbcClient jdbc, ExtractProperties props) {
        this.jdbc = jdbc;
        this.props = props;
    }

    @Scheduled(fixedDelayString = "${bulk-extract.prune-interval:1m}")
    void prune() {
        try {
            long total = 0;
            int deleted;
            do {
                deleted = pruneBatch();
                total += deleted;
            } while (deleted == BATCH);
            if (total > 0) {
                log.info("pruned {} relayed changes", total);
            }
        } catch (RuntimeException e) {
            log.warn("pruning the change feed failed: {}", e.toString());
        }
    }

    /** One batch; returns the number of changes deleted. */
    int pruneBatch() {
        return jdbc.sql("""
                with needed as (
                    select org, min(case when status = 'STREAMING' then position else watermark end) as after
                    from extraction_job where status in ('WATERMARKED', 'SNAPSHOTTING', 'STREAMING') group by org)
                delete from change_feed where version in (
                    select f.version from change_feed f left join needed n on n.org = f.org
                    where f.relayed_at < now() - make_interval(secs => :secs)
                      and (n.after is null or f.version <= n.after)
                    order by f.version limit :batch)""")
                .param("secs", (double) props.feedRetention().toMillis() / 1000.0).param("batch", BATCH).update();
    }
}
