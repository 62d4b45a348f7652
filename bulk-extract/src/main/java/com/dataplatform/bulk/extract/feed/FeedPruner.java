package com.dataplatform.bulk.extract.feed;

import com.dataplatform.bulk.extract.ExtractProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/** Deletes relayed changes older than the retention that no active job still needs (by watermark or position). */
@Component
class FeedPruner {

    private static final Logger log = LoggerFactory.getLogger(FeedPruner.class);

    private final JdbcClient jdbc;
    private final ExtractProperties props;

    FeedPruner(JdbcClient jdbc, ExtractProperties props) {
        this.jdbc = jdbc;
        this.props = props;
    }

    @Scheduled(fixedDelayString = "${bulk-extract.prune-interval:1m}")
    void prune() {
        try {
            int deleted = jdbc.sql("""
                    delete from change_feed where version < coalesce(
                        (select min(case when status = 'STREAMING' then position else watermark end) + 1
                         from extraction_job where status in ('WATERMARKED', 'SNAPSHOTTING', 'STREAMING')),
                        (select head + 1 from relay_state))
                      and relayed_at < now() - make_interval(secs => :secs)""")
                    .param("secs", props.feedRetention().toSeconds()).update();
            if (deleted > 0) {
                log.info("pruned {} relayed changes", deleted);
            }
        } catch (RuntimeException e) {
            log.warn("pruning the change feed failed: {}", e.toString());
        }
    }
}
