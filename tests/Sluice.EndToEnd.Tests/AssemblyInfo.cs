// Each class runs whole pipelines on a 2-core machine: one at a time keeps their timings those of a pipeline, not of a crowd.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
