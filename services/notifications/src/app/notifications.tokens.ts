export const NOTIFICATIONS = {
  Notifications: Symbol('NotificationRepository'),
  Mailer: Symbol('Mailer'),
  DeadLetters: Symbol('DeadLetterStore'),
  Publisher: Symbol('EventPublisher'),
} as const;
