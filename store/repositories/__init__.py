"""The small repository API: the only place that speaks SQL, one module per aggregate.
Repositories never commit (the unit of work does) and never read the clock (callers pass
`now`); `store.uow.UnitOfWork` holds one of each."""
