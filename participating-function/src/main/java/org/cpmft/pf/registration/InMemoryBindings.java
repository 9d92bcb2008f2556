package org.cpmft.pf.registration;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/** Bindings in this process's memory: right for one node only (tests, a single-node store). */
final class InMemoryBindings implements BindingStore {
    private final Map<String, List<ContactBinding>> users = new ConcurrentHashMap<>();

    @Override
    public List<ContactBinding> read(String user) {
        return users.getOrDefault(user, List.of());
    }

    @Override
    public Change update(String user, UnaryOperator<List<ContactBinding>> change) {
        List<List<ContactBinding>> before = new ArrayList<>(1);
        List<ContactBinding> after = users.compute(user, (u, current) -> {
            List<ContactBinding> was = current == null ? List.of() : current;
            before.add(was);
            List<ContactBinding> next = List.copyOf(change.apply(was));
            return next.isEmpty() ? null : next;
        });
        return new Change(before.get(before.size() - 1), after == null ? List.of() : after);
    }

    @Override
    public int pruneLapsed(Instant before, int max) {
        List<Map.Entry<String, ContactBinding>> lapsed = new ArrayList<>();
        users.forEach((u, bindings) -> bindings.stream().filter(b -> b.expiresAt().isBefore(before))
                .forEach(b -> lapsed.add(Map.entry(u, b))));
        lapsed.sort(Comparator.comparing(e -> e.getValue().expiresAt()));
        int pruned = 0;
        for (Map.Entry<String, ContactBinding> e : lapsed.subList(0, Math.min(max, lapsed.size()))) {
            boolean[] removed = {false};
            users.computeIfPresent(e.getKey(), (u, bindings) -> {
                List<ContactBinding> rest = new ArrayList<>(bindings);
                removed[0] = rest.remove(e.getValue());
                return rest.isEmpty() ? null : List.copyOf(rest);
            });
            pruned += removed[0] ? 1 : 0;
        }
        return pruned;
    }
}
