namespace SkyDeck.Benchmarks.Harness;

/// <summary>The command line: <c>[--quick] [--only P1,P3] [--out DIR]</c>.</summary>
public sealed record BenchmarkOptions(bool Quick, IReadOnlySet<string> Only, string OutputDirectory)
{
    public static readonly IReadOnlyList<string> AllFigures = ["P1", "P2", "P3", "P4", "P5", "P6", "P7", "P8"];

    public IEnumerable<string> Figures => AllFigures.Where(f => Only.Count == 0 || Only.Contains(f));

    public Scale Scale => Quick ? Scale.Quick : Scale.Full;

    public static BenchmarkOptions Parse(IReadOnlyList<string> args)
    {
        var quick = false;
        var only = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var output = Path.Combine(Directory.GetCurrentDirectory(), "BenchmarkResults");
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
                case "--out" when i + 1 < args.Count:
                    output = Path.GetFullPath(args[++i]);
                    break;
                default:
                    throw new ArgumentException($"unknown argument '{args[i]}'; usage: [--quick] [--only P1,P3] [--out DIR]");
            }
        }

        return new BenchmarkOptions(quick, only, output);
    }
}
