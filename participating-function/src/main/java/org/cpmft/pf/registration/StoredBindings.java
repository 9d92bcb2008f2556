package org.cpmft.pf.registration;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;
import org.cpmft.store.registration.RegistrationRepository;
import org.cpmft.store.registration.StoredBinding;

/**
 * Bindings in the deferred store, shared by the nodes on one database: a REGISTER that reached
 * one node is seen by all (table {@code registration_binding}).
 */
public final class StoredBindings implements BindingStore {
    private final RegistrationRepository repository;
    private final String nodeId;

    /** @param nodeId written with each binding this node updates (which node the REGISTER reached) */
    public StoredBindings(RegistrationRepository repository, String nodeId) {
        this.repository = Objects.requireNonNull(repository, "repository");
        this.nodeId = Objects.requireNonNull(nodeId, "nodeId");
    }

    @Override
    public List<ContactBinding> read(String user) {
        return fromStore(repository.find(user));
    }

    @Override
    public Change update(String user, UnaryOperator<List<ContactBinding>> change) {
        RegistrationRepository.Update u = repository.update(user, nodeId,
                stored -> toStore(change.apply(fromStore(stored))));
        return new Change(fromStore(u.before()), fromStore(u.after()));
    }

    @Override
    public int pruneLapsed(Instant before, int max) {
        return repository.pruneLapsed(before, max);
    }

    private static List<ContactBinding> fromStore(List<StoredBinding> stored) {
        return stored.stream().map(s -> new ContactBinding(s.contactUri(), s.instanceId(), s.expiresAt())).toList();
    }

    private static List<StoredBinding> toStore(List<ContactBinding> bindings) {
        return bindings.stream().map(b -> new StoredBinding(b.contactUri(), b.instanceId(), b.expiresAt())).toList();
    }
}
