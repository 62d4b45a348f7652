package com.dataplatform.dataflow.scheduler.definition;

import java.util.List;

/** One operation of a dataflow DAG. Inputs are ids of other nodes in the same definition. */
public sealed interface Node {

    String id();

    String op();

    /** Ids of the nodes this node reads. */
    List<String> inputs();

    record Source(String id, String dataset) implements Node {
        public String op() {
            return "source";
        }

        public List<String> inputs() {
            return List.of();
        }
    }

    record Filter(String id, String input, String expr) implements Node {
        public String op() {
            return "filter";
        }

        public List<String> inputs() {
            return List.of(input);
        }
    }

    record Compute(String id, String input, String column, String expr) implements Node {
        public String op() {
            return "compute";
        }

        public List<String> inputs() {
            return List.of(input);
        }
    }

    record Augment(String id, String left, String right, List<String> leftKey, List<String> rightKey,
            List<String> columns) implements Node {
        public String op() {
            return "augment";
        }

        public List<String> inputs() {
            return List.of(left, right);
        }
    }

    record Metric(String fn, String column, String as) {
    }

    record Aggregate(String id, String input, List<String> groupBy, List<Metric> metrics) implements Node {
        public String op() {
            return "aggregate";
        }

        public List<String> inputs() {
            return List.of(input);
        }
    }

    record Register(String id, String input, String dataset) implements Node {
        public String op() {
            return "register";
        }

        public List<String> inputs() {
            return List.of(input);
        }
    }
}
