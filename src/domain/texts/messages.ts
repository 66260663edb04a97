/**
 * The texts of the messages phaseout sends (mail and webhook), in each language: i18next
 * resources, `{{name}}` interpolation and plural forms (`_one`, `_few`, `_many`, `_other`).
 */
export const MESSAGES = {
  en: {
    details: '\n\nDetails: {{link}}',
    deviceWithModel: '{{device}} ({{model}})',
    finding: {
      remind: {
        subject: 'Reminder: {{mandate}} — due {{due}}',
        text: 'Under "{{mandate}}" you are asked to take device {{device}} out of official use by the end of {{due}}.',
      },
      escalate: {
        subject: 'Overdue: {{name}} — {{mandate}}',
        text: '{{name}} ({{id}}) has not complied with "{{mandate}}" for device {{device}}; it was due on {{due}}.',
      },
    },
    receipt: {
      subject: 'Please confirm you received {{device}}',
      text: 'Device {{device}} was handed to you as a replacement on {{on}}. Please confirm you received it on your page.',
    },
    collect: {
      subject: 'Replacement approved: {{model}}',
      text: 'Your replacement request is approved: {{device}} is reserved for you.',
      where: ' Collect it at {{location}}.',
      bring: ' Bring your old device; it is taken back at the same time.',
    },
    digest: {
      subject: 'Digest: {{mandate}} — {{count}} open ({{units}})',
      text: '"{{mandate}}", due {{due}}. Open in your units ({{units}}): {{count}}.',
      overdue: 'overdue',
      pending: 'pending',
    },
    report: {
      subject: 'Status report: {{mandate}} — {{day}}',
      text: 'Status of "{{mandate}}" as of {{day}}: pending {{pending}}, overdue {{overdue}}, exempt {{exempt}}, resolved {{resolved}}, departed with their owner {{departed}}, held by nobody {{unassigned}}; people not compliant: {{people}}.',
      nothingCaught: '\nNothing has been caught yet: no phase is met and nothing is on track.',
      campaign:
        '\nDeclaration "{{title}}" (due {{due}}): {{confirmed}} of {{people}} confirmed, {{late}} of them late.',
      attached: '\nThe PDF and the CSV are attached.',
    },
    campaign: {
      remind: {
        subject: 'Reminder: {{title}} — due {{due}}',
        text: 'Please declare every device you use for work and confirm that your list is complete by the end of {{due}} ("{{title}}").',
      },
      escalate: {
        subject: 'Not confirmed: {{name}} — {{title}}',
        text: '{{name}} ({{id}}) has not confirmed their declaration of devices for "{{title}}"; it was due {{due}}.',
      },
    },
  },
  ru: {
    details: '\n\nПодробнее: {{link}}',
    deviceWithModel: '{{device}} ({{model}})',
    finding: {
      remind: {
        subject: 'Напоминание: {{mandate}} — срок {{due}}',
        text: 'По распоряжению «{{mandate}}» от вас требуется вывести из служебного использования устройство {{device}} до {{due}} включительно.',
      },
      escalate: {
        subject: 'Просрочено: {{name}} — {{mandate}}',
        text: '{{name}} ({{id}}) не выполнил(а) распоряжение «{{mandate}}» по устройству {{device}}; срок истёк {{due}}.',
      },
    },
    receipt: {
      subject: 'Подтвердите получение устройства {{device}}',
      text: '{{on}} вам выдано устройство {{device}} на замену. Подтвердите получение на своей странице.',
    },
    collect: {
      subject: 'Замена одобрена: {{model}}',
      text: 'Ваша заявка на замену одобрена: для вас зарезервировано устройство {{device}}.',
      where: ' Получить его можно: {{location}}.',
      bring: ' Принесите старое устройство — его примут в тот же момент.',
    },
    digest: {
      subject: 'Сводка: {{mandate}} — не выполнено: {{count}} ({{units}})',
      text: 'Распоряжение «{{mandate}}», срок {{due}}. Не выполнено в ваших подразделениях ({{units}}): {{count}}.',
      overdue: 'просрочено',
      pending: 'ожидается',
    },
    report: {
      subject: 'Отчёт: {{mandate}} — {{day}}',
      text: 'Отчёт о выполнении распоряжения «{{mandate}}» по состоянию на {{day}}: ожидается {{pending}}, просрочено {{overdue}}, исключений {{exempt}}, выполнено {{resolved}}, выбыли с владельцем {{departed}}, ни за кем не числятся {{unassigned}}; людей не выполнили: {{people}}.',
      nothingCaught: '\nПока ничего не выявлено: ни один этап не выполнен.',
      campaign:
        '\nДекларация «{{title}}» (срок {{due}}): подтвердили {{confirmed}} из {{people}}, из них с опозданием {{late}}.',
      attached: '\nPDF и CSV во вложении.',
    },
    campaign: {
      remind: {
        subject: 'Напоминание: {{title}} — срок {{due}}',
        text: 'Укажите все устройства, которые вы используете для работы, и подтвердите, что список полон, до {{due}} включительно («{{title}}»).',
      },
      escalate: {
        subject: 'Не подтверждено: {{name}} — {{title}}',
        text: '{{name}} ({{id}}) не подтвердил(а) декларацию устройств «{{title}}»; срок истёк {{due}}.',
      },
    },
  },
} as const;
