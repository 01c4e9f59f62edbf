global using Microsoft.Playwright;
global using Xunit.Abstractions;
global using static Microsoft.Playwright.Assertions;

// Browser tests share one server and a 2-core machine: run them one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
