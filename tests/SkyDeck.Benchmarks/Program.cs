using SkyDeck.Benchmarks.Harness;
using SkyDeck.Benchmarks.Server;

if (args.Length > 0 && args[0] == ChildServer.Flag) return await ChildServer.RunAsync(args[1..]);

BenchmarkOptions options;
try
{
    options = BenchmarkOptions.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}

var report = await BenchmarkRunner.RunAsync(options, Console.Out);
Console.WriteLine();
Console.Write(report.Table());
Console.WriteLine();
Console.WriteLine($"Notes and breakdowns: {Path.Combine(options.OutputDirectory, "results.md")} (total {report.Elapsed.TotalMinutes:0.0} min)");
return report.Figures.Any(f => f.Error is not null) ? 1 : 0;
