using Akka.Persistence.Journal;
using SkyDeck.Actors.Core;
using SkyDeck.Actors.Experiments;

namespace SkyDeck.Actors.Hosting;

/// <summary>Tags every experiment event so the audit log can read them all, in order, through one tag query.</summary>
public sealed class ExperimentTagger : IWriteEventAdapter
{
    public const string Tag = "experiment";

    public const string SweepTag = "sweep";

    private static readonly HashSet<string> Tags = [Tag];

    private static readonly HashSet<string> SweepTags = [SweepTag];

    public string Manifest(object evt) => string.Empty;

    public object ToJournal(object evt) => evt switch
    {
        IExperimentEvent or INotificationEvent => new Tagged(evt, Tags),
        ISweepEvent => new Tagged(evt, SweepTags),
        _ => evt,
    };
}
