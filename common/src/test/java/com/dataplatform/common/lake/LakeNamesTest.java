package com.dataplatform.common.lake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LakeNamesTest {

    @Test
    void qualifies_and_quotes_valid_names() {
        assertThat(LakeNames.schemaOf("acme")).isEqualTo("lake_acme");
        assertThat(LakeNames.qualifiedTable("acme", "eu_totals")).isEqualTo("\"lake_acme\".\"eu_totals\"");
        assertThat(LakeNames.isOrg("a" + "b".repeat(30))).isTrue();
        assertThat(LakeNames.isOrg("a" + "b".repeat(31))).isFalse();
        assertThat(LakeNames.isDataset("d" + "x".repeat(62))).isTrue();
        assertThat(LakeNames.isDataset("d" + "x".repeat(63))).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"x; drop table y", "Sales", "1abc", "", "a-b", "a\"b", "lake.x", "a b", "é"})
    void rejects_anything_that_is_not_a_plain_identifier(String name) {
        assertThat(LakeNames.isDataset(name)).isFalse();
        assertThat(LakeNames.isOrg(name)).isFalse();
        assertThatThrownBy(() -> LakeNames.qualifiedTable("acme", name)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LakeNames.schemaOf(name)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void null_is_never_a_name() {
        assertThat(LakeNames.isOrg(null)).isFalse();
        assertThat(LakeNames.isDataset(null)).isFalse();
    }

    @Test
    void the_hand_written_check_agrees_with_the_documented_patterns_on_random_strings() {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        Pattern org = Pattern.compile("[a-z][a-z0-9_]{0,30}");
        Pattern dataset = Pattern.compile("[a-z][a-z0-9_]{0,62}");
        String alphabet = "abcxyz019_AZ-.; \"'é\u0000";
        for (int i = 0; i < 20_000; i++) {
            StringBuilder s = new StringBuilder();
            int length = random.nextInt(70);
            for (int k = 0; k < length; k++) {
                s.append(random.nextInt(4) == 0 ? alphabet.charAt(random.nextInt(alphabet.length()))
                        : (char) ('a' + random.nextInt(26)));
            }
            String name = s.toString();
            assertThat(LakeNames.isOrg(name)).as("seed %d: %s", seed, name).isEqualTo(org.matcher(name).matches());
            assertThat(LakeNames.isDataset(name)).as("seed %d: %s", seed, name)
                    .isEqualTo(dataset.matcher(name).matches());
        }
    }
}
