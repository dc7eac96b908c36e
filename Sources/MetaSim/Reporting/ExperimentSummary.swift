import Foundation

extension Experiment {
    /// The settings a person reads in a run's report, one line per section (`name`, `seed`,
    /// `grammar`, `target`, `features`, `mmd`, `transformer`, `reconstruction`, `matching`,
    /// `task`, `task_network`, `renderer`), each the section's values as Swift prints them.
    public var settingsSummary: [String: String] {
        func text(_ value: Any) -> String { String(describing: value) }
        return [
            "name": name, "seed": text(seed), "grammar": grammar, "experiment_file": file.isEmpty ? "(built in code)" : file,
            "target": text(target), "features": text(features), "mmd": text(mmd), "transformer": text(transformer),
            "reconstruction": text(reconstruction), "matching": text(matching), "task": task.map(text) ?? "off",
            "task_network": text(taskNetwork), "renderer": externalRenderer.map(text) ?? "built-in compositor",
        ]
    }
}
