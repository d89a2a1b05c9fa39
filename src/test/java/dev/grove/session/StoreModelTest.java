package dev.grove.session;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Random operations against the store and against a plain in-memory model of the same tree; every
 * query must agree, before and after reopening the file. Seeds are fixed and printed; run one again
 * with {@code -Dgrove.seed=N}.
 */
class StoreModelTest {
  @TempDir Path dir;

  /** The model: a list of entries and the obvious, slow answers to every query. */
  static final class Model {
    record E(String id, String parent, String lane, String type, boolean contextRoot, Body body) {}

    final List<E> entries = new ArrayList<>();
    final Map<String, E> byId = new HashMap<>();
    final Map<String, String> heads = new LinkedHashMap<>();
    final Map<String, String> labels = new LinkedHashMap<>();

    void add(Entry e) {
      E m = new E(e.id(), e.parentId(), e.lane(), e.type(), e.contextRoot(), e.body());
      entries.add(m);
      byId.put(m.id, m);
      switch (e.body()) {
        case Body.Head h -> heads.put(e.lane(), h.targetId());
        case Body.Label l -> {
          labels.remove(l.targetId());
          if (!l.label().isEmpty()) {
            labels.put(l.targetId(), l.label());
          }
        }
        default -> heads.put(e.lane(), e.id());
      }
    }

    boolean isNode(E e) {
      return !e.type.equals("label") && !e.type.equals("head");
    }

    List<String> nodes() {
      return entries.stream().filter(this::isNode).map(E::id).toList();
    }

    List<String> children(String id) {
      return entries.stream().filter(e -> isNode(e) && id.equals(e.parent)).map(E::id).toList();
    }

    List<String> path(String id) {
      List<String> p = new ArrayList<>();
      for (E e = byId.get(id); e != null; e = e.parent == null ? null : byId.get(e.parent)) {
        p.add(0, e.id);
      }
      return p;
    }

    List<String> leaves() {
      return nodes().stream().filter(id -> children(id).isEmpty()).toList();
    }

    /** Context ids, by the rule in the docs, stated recursively. */
    List<String> context(String id) {
      List<String> path = path(id);
      int top = 0;
      for (int i = path.size() - 1; i >= 0; i--) {
        if (byId.get(path.get(i)).contextRoot) {
          top = i;
          break;
        }
      }
      return context(path.subList(top, path.size()), path.size() - top);
    }

    private List<String> context(List<String> path, int end) {
      List<String> after = new ArrayList<>();
      for (int pos = end - 1; pos >= 0; pos--) {
        E e = byId.get(path.get(pos));
        if (e.body instanceof Body.Summary s && s.kind() == Body.SummaryKind.COMPACTION) {
          int q = path.indexOf(s.fromId());
          int p = path.indexOf(s.toId());
          if (q >= 0 && p >= q && p < pos) {
            List<String> between = new ArrayList<>();
            for (int k = pos - 1; k > p; k--) {
              E b = byId.get(path.get(k));
              if (b.body instanceof Body.Message m || b.body instanceof Body.Summary) {
                between.add(0, b.id);
              }
            }
            List<String> out = new ArrayList<>(context(path, q));
            out.add(e.id);
            out.addAll(between);
            out.addAll(after);
            return out;
          }
          after.add(0, e.id);
        } else if (e.body instanceof Body.Message || e.body instanceof Body.Summary) {
          after.add(0, e.id);
        }
      }
      return after;
    }
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3, 20261124})
  void storeAgreesWithModel(long defaultSeed) throws Exception {
    long seed = dev.grove.testing.Seeds.of("StoreModelTest", defaultSeed);
    Random rnd = new Random(seed);
    Path file = dir.resolve("model-" + seed + ".jsonl");
    SessionStore.Options options =
        new SessionStore.Options(Durability.NONE, Clock.systemUTC(), new SplittableRandom(seed));
    Model model = new Model();
    SessionStore store = SessionStore.create(file, "/m", options);
    try {
      List<String> lanes = new ArrayList<>(List.of("main"));
      for (int op = 0; op < 400; op++) {
        List<String> nodes = model.nodes();
        Draft d = randomDraft(rnd, nodes, lanes, model);
        Entry e = store.append(d);
        model.add(e);
        if (op % 50 == 49) {
          compare(store, model, rnd, seed);
        }
        if (op % 150 == 149) {
          store.close();
          store = SessionStore.open(file, options);
          compare(store, model, rnd, seed);
        }
      }
      compare(store, model, rnd, seed);
    } finally {
      store.close();
    }
    assertThat(SessionStore.validate(file).problems()).as("seed %d", seed).isEmpty();
  }

  private static Draft randomDraft(
      Random rnd, List<String> nodes, List<String> lanes, Model model) {
    int kind = nodes.isEmpty() ? 0 : rnd.nextInt(100);
    String lane = lanes.get(rnd.nextInt(lanes.size()));
    if (kind < 40) {
      return Draft.onLane(lane, message(rnd));
    }
    String any = nodes.get(rnd.nextInt(nodes.size()));
    if (kind < 60) {
      String newLane = rnd.nextInt(3) == 0 ? "lane-" + lanes.size() : null;
      if (newLane != null) {
        lanes.add(newLane);
      }
      return new Draft(Parent.of(any), newLane, message(rnd), rnd.nextInt(10) == 0);
    }
    if (kind < 68) {
      return Draft.label(any, rnd.nextInt(4) == 0 ? "" : "l" + rnd.nextInt(5));
    }
    if (kind < 76) {
      return Draft.moveHead(lane, any);
    }
    if (kind < 84) {
      return Draft.onLane(
          lane,
          new Body.Event(
              "e" + rnd.nextInt(3), JsonNodeFactory.instance.objectNode().put("n", kind)));
    }
    // a summary; compactions cover a stretch of the path they will sit on (sometimes a bad one)
    String head = model.heads.get(lane);
    List<String> path = head == null ? List.of(any) : model.path(head);
    int a = rnd.nextInt(path.size());
    int b = a + rnd.nextInt(path.size() - a);
    boolean compaction = rnd.nextBoolean();
    String from = rnd.nextInt(8) == 0 ? any : path.get(a);
    return Draft.onLane(
        lane,
        new Body.Summary(
            compaction ? Body.SummaryKind.COMPACTION : Body.SummaryKind.BRANCH,
            from,
            path.get(b),
            "summary " + rnd.nextInt(100)));
  }

  private static Body.Message message(Random rnd) {
    Role role = Role.values()[rnd.nextInt(4)];
    String content = "m" + rnd.nextInt(1000) + (rnd.nextInt(5) == 0 ? " \"quoted\"\n✓" : "");
    return switch (role) {
      case ASSISTANT ->
          new Body.Message(
              role,
              content,
              rnd.nextBoolean()
                  ? List.of(new ToolCall("c" + rnd.nextInt(9), "run", "{\"x\":1}"))
                  : List.of(),
              null,
              false,
              "m",
              new Usage(rnd.nextInt(100), rnd.nextInt(100), 0.5),
              null);
      case TOOL -> Body.Message.toolResult("c1", content, rnd.nextBoolean());
      default -> Body.Message.of(role, content);
    };
  }

  private static void compare(SessionStore store, Model model, Random rnd, long seed) {
    String as = "seed " + seed;
    assertThat(store.size()).as(as).isEqualTo(model.entries.size());
    assertThat(store.leaves())
        .extracting(Node::id)
        .as(as)
        .containsExactlyElementsOf(model.leaves());
    assertThat(store.laneHeads()).as(as).containsExactlyEntriesOf(model.heads);
    assertThat(store.labels()).as(as).containsExactlyInAnyOrderEntriesOf(model.labels);
    List<String> nodes = model.nodes();
    assertThat(store.branchPoints())
        .extracting(Node::id)
        .as(as)
        .containsExactlyElementsOf(
            nodes.stream().filter(id -> model.children(id).size() > 1).toList());
    for (int k = 0; k < 20 && !nodes.isEmpty(); k++) {
      String id = nodes.get(rnd.nextInt(nodes.size()));
      assertThat(store.children(id))
          .extracting(Node::id)
          .as(as)
          .containsExactlyElementsOf(model.children(id));
      assertThat(store.path(id))
          .extracting(Node::id)
          .as(as)
          .containsExactlyElementsOf(model.path(id));
      assertThat(store.context(id))
          .extracting(Entry::id)
          .as(as + " context of " + id)
          .containsExactlyElementsOf(model.context(id));
      Entry e = store.entry(id);
      assertThat(e.body()).as(as).isEqualTo(model.byId.get(id).body());
    }
  }
}
