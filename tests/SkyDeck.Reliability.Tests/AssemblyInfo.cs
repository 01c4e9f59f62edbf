// Every test here runs real server processes and measures them: running two at once on a small machine would make
// each the other's noise. They run one after another.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
