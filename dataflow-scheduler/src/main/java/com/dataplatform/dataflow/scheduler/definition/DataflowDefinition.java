package com.dataplatform.dataflow.scheduler.definition;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** A validated dataflow: name, type (for limits) and its DAG. */
public record DataflowDefinition(String name, String type, List<Node> nodes) {

    /** Datasets read by {@code source} nodes. */
    public Set<String> reads() {
        Set<String> out = new TreeSet<>();
        nodes.stream().filter(n -> n instanceof Node.Source).forEach(n -> out.add(((Node.Source) n).dataset()));
        return out;
    }

    /** Datasets written by {@code register} nodes. */
    public Set<String> writes() {
        Set<String> out = new TreeSet<>();
        nodes.stream().filter(n -> n instanceof Node.Register).forEach(n -> out.add(((Node.Register) n).dataset()));
        return out;
    }
}
