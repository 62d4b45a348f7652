package com.dataplatform.ci.deploy.lifecycle;

import com.dataplatform.ci.deploy.bundle.AppDescriptor;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Checks that a version's declared inputs exist and may be read by its org. */
public class Inputs {

    private final JdbcClient jdbc;

    public Inputs(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** null if every input is readable, else which one is not (and why). */
    public String problem(AppDescriptor descriptor, String org) {
        for (AppDescriptor.Input in : descriptor.reads()) {
            if (in.app() != null) {
                boolean sameOrg = jdbc.sql("select exists (select 1 from app where name = :n and org = :o)")
                        .param("n", in.app()).param("o", org).query(Boolean.class).single();
                if (!sameOrg) {
                    return "input " + in.declared() + ": app '" + in.app() + "' does not exist";
                }
            }
            boolean exists = jdbc.sql("""
                    select exists (select 1 from pg_class c join pg_namespace n on n.oid = c.relnamespace
                                   where n.nspname = :s and c.relname = :t and c.relkind in ('r', 'v', 'p', 'm'))""")
                    .param("s", in.schema()).param("t", in.table()).query(Boolean.class).single();
            if (!exists) {
                return "input " + in.declared() + " does not exist" + (in.app() != null ? " (not live)" : "");
            }
        }
        return null;
    }
}
