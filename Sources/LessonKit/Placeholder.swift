// Placeholder until the LessonKit layer lands.
