namespace SkyDeck.Benchmarks.Harness;

/// <summary>
/// The command line: <c>[--quick] [--only P1,P3] [--out DIR] [--experiments N]</c>. <c>--experiments</c> sets the fleet
/// of the list (P3) and cold-start (P4) figures, 1,000 to 100,000 (a lab's year); see <see cref="Scale.WithFleet"/>.
/// </summary>
public sealed record BenchmarkOptions(bool Quick, IReadOnlySet<string> Only, string OutputDirectory, int? Experiments = null)
{
    public const int MaxExperiments = 100_000;

    public static readonly IReadOnlyList<string> AllFigures = ["P1", "P2", "P3", "P4", "P5", "P6", "P7", "P8", "P9", "P10"];

    public IEnumerable<string> Figures => AllFigures.Where(f => Only.Count == 0 || Only.Contains(f));

    public Scale Scale => Experiments is { } fleet ? (Quick ? Scale.Quick : Scale.Full).WithFleet(fleet) : Quick ? Scale.Quick : Scale.Full;

    public static BenchmarkOptions Parse(IReadOnlyList<string> args)
    {
        var quick = false;
        var only = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var output = Path.Combine(Directory.GetCurrentDirectory(), "BenchmarkResults");
        int? experiments = null;
        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--quick":
                    quick = true;
                    break;
                case "--only" when i + 1 < args.Count:
                    foreach (var figure in args[++i].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                    {
                        var id = figure.ToUpperInvariant();
                        if (!AllFigures.Contains(id)) throw new ArgumentException($"--only: unknown figure '{figure}' (expected {string.Join(", ", AllFigures)})");
                        only.Add(id);
                    }

                    break;
                case "--experiments" when i + 1 < args.Count:
                    if (!int.TryParse(args[++i].Replace("_", "").Replace(",", ""), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n)
                        || n < 1_000 || n > MaxExperiments)
                        throw new ArgumentException($"--experiments: a whole number from 1,000 to {MaxExperiments:N0} (got '{args[i]}')");
                    experiments = n;
                    break;
                case "--out" when i + 1 < args.Count:
                    output = Path.GetFullPath(args[++i]);
                    break;
                default:
                    throw new ArgumentException($"unknown argument '{args[i]}'; usage: [--quick] [--only P1,P3] [--out DIR] [--experiments N]");
            }
        }

        return new BenchmarkOptions(quick, only, output, experiments);
    }
}
