namespace SkyDeck.Browser.Tests;

/// <summary>
/// Loads thousands of experiments into the page without creating them on the server: clones of one real row (so the
/// shape is exactly what the stream sends) with their own ids, flags and creation times, delivered as the stream's
/// snapshot would be (<c>__skydeck.load</c>). Row i gets flags lr = (i % 10) / 10, layers = 2 + i % 6, seed = i, and is
/// created i seconds before the template, so newest-first order is 0, 1, 2, …
/// </summary>
public static class Synthetic
{
    /// <summary>JavaScript for page.EvaluateAsync: returns the ms the page took to apply the snapshot (script only).</summary>
    public static string LoadScript(string templateId, string prefix, int count) => $$"""
        () => {
          const all = __skydeck.snapshot();
          const template = all.find(e => e.id === '{{templateId}}');
          if (!template) throw new Error('template row not loaded');
          const created = Date.parse(template.created_at);
          const rows = [];
          for (let i = 0; i < {{count}}; i++) {
            const id = '{{prefix}}-' + String(i).padStart(5, '0');
            rows.push({
              ...template,
              id, name: 'Synthetic ' + i, run_name: id,
              created_at: new Date(created - (i + 1) * 1000).toISOString(),
              flags: { 'trainer.lr': (i % 10) / 10, 'model.layers': 2 + i % 6, seed: i },
            });
          }
          const t0 = performance.now();
          __skydeck.load([...all, ...rows]);
          return performance.now() - t0;
        }
        """;
}
