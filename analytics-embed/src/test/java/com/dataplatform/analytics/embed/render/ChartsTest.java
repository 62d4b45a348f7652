package com.dataplatform.analytics.embed.render;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ChartsTest {

    @Test
    void coordinates_are_formatted_exactly_as_two_decimal_format_did() {
        long seed = System.nanoTime();
        System.out.println("ChartsTest seed " + seed);
        Random random = new Random(seed);
        for (int i = 0; i < 20_000; i++) {
            double d = switch (i % 4) {
                case 0 -> random.nextDouble() * 600;
                case 1 -> Math.round(random.nextDouble() * 600_000) / 1000.0; // exact ties such as 12.345, 0.125
                case 2 -> random.nextInt(600) + 0.005;
                default -> random.nextInt(600);
            };
            assertThat(Charts.fmt(d)).as("seed %d, value %s", seed, d).isEqualTo(String.format(Locale.ROOT, "%.2f", d));
        }
    }
}
