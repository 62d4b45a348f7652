import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;

/**
 * Demo data-lake app: writes a score per player, each scaled by the app version, and one info row naming the
 * version. A reader that joins the two tables on version sees rows only if both come from the same version.
 */
public class App {
    public static void main(String[] args) throws Exception {
        String schema = '"' + System.getenv("APP_SCHEMA") + '"';
        int version = Integer.parseInt(System.getenv("APP_VERSION"));
        try (Connection c = DriverManager.getConnection(System.getenv("DB_URL"), System.getenv("DB_USER"),
                System.getenv("DB_PASSWORD"))) {
            c.setAutoCommit(false);
            try (Statement st = c.createStatement()) {
                st.execute("create table if not exists " + schema + ".scores (player text primary key, points int not null, version int not null)");
                st.execute("create table if not exists " + schema + ".info (info_version int not null)");
                st.execute("delete from " + schema + ".scores");
                st.execute("delete from " + schema + ".info");
                st.execute("insert into " + schema + ".scores values ('ann', " + 10 * version + ", " + version + "), "
                        + "('bob', " + 20 * version + ", " + version + "), ('cy', " + 30 * version + ", " + version + ")");
                st.execute("insert into " + schema + ".info values (" + version + ")");
            }
            c.commit();
        }
        System.out.println("wrote scores as version " + version);
    }
}
