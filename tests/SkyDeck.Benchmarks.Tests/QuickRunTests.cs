using System.Text;
using SkyDeck.Benchmarks.Harness;
using Xunit.Abstractions;

namespace SkyDeck.Benchmarks.Tests;

/// <summary>
/// Keeps the performance harness from rotting: the whole <c>--quick</c> run, in-process, must produce every figure
/// with sane numbers. It asserts nothing about speed — the shared CI machine is too noisy for timed asserts; the
/// verdicts are for people reading BenchmarkResults/results.md.
/// </summary>
[Trait("Category", "Slow")]
public sealed class QuickRunTests(ITestOutputHelper output)
{
    [Fact]
    public async Task GivenTheQuickScale_WhenTheHarnessRuns_ThenEveryFigureIsProducedWithPositiveFiniteValues()
    {
        var directory = Path.Combine(Path.GetTempPath(), "skydeck-bench-test-" + Guid.NewGuid().ToString("N")[..8]);
        var log = new StringWriter();
        try
        {
            var report = await BenchmarkRunner.RunAsync(BenchmarkOptions.Parse(["--quick", "--out", directory]), TextWriter.Synchronized(log));

            Assert.Equal(BenchmarkOptions.AllFigures, report.Figures.Select(f => f.Figure));
            Assert.All(report.Figures, figure =>
            {
                Assert.True(figure.Error is null, $"{figure.Figure} failed: {figure.Error}");
                Assert.NotEmpty(figure.Rows);
            });
            Assert.All(report.Rows, row =>
            {
                Assert.True(double.IsFinite(row.Value) && row.Value > 0, $"{row.FigureCell}: value {row.Value}");
                if (row.Baseline is { } baseline) Assert.True(double.IsFinite(baseline) && baseline > 0, $"{row.FigureCell}: baseline {baseline}");
            });
            var markdown = await File.ReadAllTextAsync(Path.Combine(directory, "results.md"), Encoding.UTF8);
            Assert.All(report.Rows, row => Assert.Contains(row.FigureCell, markdown));
            output.WriteLine(report.Table());
        }
        finally
        {
            output.WriteLine(log.ToString());
            if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
        }
    }
}
