package com.dataplatform.analytics.embed.area;

import com.dataplatform.analytics.embed.lake.LakeColumn;
import com.dataplatform.analytics.embed.lake.LakeReader;
import com.dataplatform.analytics.embed.lake.QueryPlanner;
import com.dataplatform.analytics.embed.lake.SpecProblem;
import com.dataplatform.analytics.embed.page.PageStore;
import com.dataplatform.common.web.ApiException;
import java.util.Map;
import java.util.UUID;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Creates areas and new versions of them. Metadata is checked against the dataset's real columns (through the
 * read-only lake pool) before anything is written; position overlaps are checked under the page's row lock, so
 * two concurrent edits cannot both place an area on the same cells.
 */
@Service
public class AreaEditor {

    /** Columns of the page grid. */
    public static final int GRID_COLUMNS = 12;

    private final AreaStore areas;
    private final PageStore pages;
    private final LakeReader lake;

    AreaEditor(AreaStore areas, PageStore pages, LakeReader lake) {
        this.areas = areas;
        this.pages = pages;
        this.lake = lake;
    }

    @Transactional
    public Area create(String org, String user, UUID pageId, AreaSpec spec) {
        validate(org, spec);
        if (!pages.lock(org, pageId)) {
            throw ApiException.notFound("page", pageId);
        }
        checkOverlap(org, pageId, null, spec);
        UUID id = UUID.randomUUID();
        areas.insert(id, pageId, org, spec, user);
        return areas.find(org, id).orElseThrow();
    }

    @Transactional
    public Area update(String org, String user, UUID areaId, AreaSpec spec) {
        validate(org, spec);
        Area current = areas.find(org, areaId).orElseThrow(() -> ApiException.notFound("embed area", areaId));
        if (!pages.lock(org, current.pageId())) {
            throw ApiException.notFound("embed area", areaId);
        }
        current = areas.find(org, areaId).orElseThrow(() -> ApiException.notFound("embed area", areaId));
        checkOverlap(org, current.pageId(), areaId, spec);
        areas.appendVersion(current, spec, user);
        return areas.find(org, areaId).orElseThrow();
    }

    /** Throws 400 naming the field if the metadata does not fit the dataset's real columns. */
    void validate(String org, AreaSpec spec) {
        if (spec.position().col() + spec.position().width() > GRID_COLUMNS) {
            throw ApiException.invalid("position.width", "col + width must be at most " + GRID_COLUMNS);
        }
        Map<String, LakeColumn> columns = lake.columns(org, spec.dataset())
                .orElseThrow(() -> ApiException.invalid("dataset", "dataset " + spec.dataset()
                        + " is not in the lake catalog of this org (or its table is not readable)"));
        try {
            QueryPlanner.plan(org, spec, columns);
        } catch (SpecProblem p) {
            throw ApiException.invalid(p.field(), p.getMessage());
        }
    }

    private void checkOverlap(String org, UUID pageId, UUID self, AreaSpec spec) {
        for (Area other : areas.ofPage(org, pageId)) {
            if (!other.id().equals(self) && other.spec().position().overlaps(spec.position())) {
                throw ApiException.conflict("position", "overlaps area " + other.id() + " ("
                        + other.spec().title() + ")");
            }
        }
    }
}
