using System.Reflection;
using SkyDeck.Actors.Core;

namespace SkyDeck.Actors.Tests.Architecture;

/// <summary>
/// The pure core (<c>src/SkyDeck.Actors/Core</c>, namespace <c>SkyDeck.Actors.Core</c>) imports nothing from the shells:
/// no Akka, no actors, no gateway, no hosting. Checked on the compiled types, so a fully qualified name cannot slip by.
/// </summary>
public sealed class CoreBoundaryTests
{
    private static readonly string[] ShellNamespaces =
        ["Akka", "SkyDeck.Actors.Experiments", "SkyDeck.Actors.SkyPilot", "SkyDeck.Actors.Hosting", "SkyDeck.Actors.Cluster", "SkyDeck.Actors.Audit", "CliWrap", "Microsoft.Data", "Microsoft.Extensions"];

    public static TheoryData<string> CoreTypes()
    {
        var data = new TheoryData<string>();
        foreach (var type in typeof(ExperimentState).Assembly.GetTypes().Where(IsCore).Where(t => !t.IsNested))
            data.Add(type.FullName!);
        return data;
    }

    [Theory]
    [MemberData(nameof(CoreTypes))]
    public void GivenACoreType_ThenNothingItDeclaresMentionsAShell(string typeName)
    {
        var type = typeof(ExperimentState).Assembly.GetType(typeName)!;

        var offending = Mentioned(type).SelectMany(Flatten).Where(t => t.Namespace is { } ns && ShellNamespaces.Any(shell => ns == shell || ns.StartsWith(shell + ".", StringComparison.Ordinal)))
            .Select(t => t.FullName).Distinct().ToList();

        Assert.True(offending.Count == 0, $"{typeName} mentions shell types: {string.Join(", ", offending)}");
    }

    [Fact]
    public void TheCoreHoldsTheDeciderTheStateTheEventsTheReconcilerAndTheVocabulary()
    {
        Type[] expected = [typeof(ExperimentDecider), typeof(ExperimentState), typeof(IExperimentEvent), typeof(Reconciler), typeof(RunAssessment),
            typeof(Backoff), typeof(Naming), typeof(SkyJobStatus), typeof(SkyClusterStatus), typeof(PollFanOut), typeof(ExperimentCommands)];

        Assert.All(expected, t => Assert.True(IsCore(t), $"{t.Name} is not in the core"));
    }

    private static bool IsCore(Type type) => type.Namespace == "SkyDeck.Actors.Core";

    /// <summary>A type with its element type and generic arguments, all the way down (<c>IEnumerable&lt;(string, X)&gt;</c> mentions X).</summary>
    private static IEnumerable<Type> Flatten(Type type)
    {
        yield return type;
        if (type.HasElementType)
            foreach (var inner in Flatten(type.GetElementType()!)) yield return inner;
        if (type.IsGenericType)
            foreach (var argument in type.GetGenericArguments())
            foreach (var inner in Flatten(argument))
                yield return inner;
    }

    private static IEnumerable<Type> Mentioned(Type type)
    {
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        foreach (var nested in new[] { type }.Concat(type.GetNestedTypes(all)))
        {
            if (nested.BaseType is { } baseType) yield return baseType;
            foreach (var i in nested.GetInterfaces()) yield return i;
            foreach (var field in nested.GetFields(all)) yield return field.FieldType;
            foreach (var property in nested.GetProperties(all)) yield return property.PropertyType;
            foreach (var method in nested.GetMethods(all))
            {
                yield return method.ReturnType;
                foreach (var parameter in method.GetParameters()) yield return parameter.ParameterType;
                if (method.GetMethodBody() is { } body)
                    foreach (var local in body.LocalVariables) yield return local.LocalType;
            }

            foreach (var constructor in nested.GetConstructors(all))
            foreach (var parameter in constructor.GetParameters())
                yield return parameter.ParameterType;
        }
    }
}
